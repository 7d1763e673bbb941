package cli

import (
	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/publish"
)

// keychain finds the credentials of a registry for pushes, for questions
// about bases and for the engine's pulls: the docker config's, then those
// of the configured registries (dockyard.yaml's or pai's, with -c).
func keychain(cfg *config.Config) *publish.Keychain {
	return publish.NewKeychain(append([]config.Registry{cfg.Registry}, cfg.Registries...), cfg.Lookup)
}
