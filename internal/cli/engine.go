package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/docker"
)

// openEngine opens the engine a run asked for and says why it was chosen.
// An engine that does not answer is an error before any step runs.
func openEngine(ctx context.Context, name string) (engine.Engine, string, error) {
	if !slices.Contains(config.Engines, name) {
		return nil, "", usageErrorf("unknown engine %q (want one of %s)", name, strings.Join(config.Engines, ", "))
	}
	if name == "embedded" {
		return nil, "", &hintError{errors.New("the embedded engine is not available in this version of dockyard"), "use --engine docker with a running Docker engine"}
	}
	e, err := docker.New(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("opening the docker engine: %w", err)
	}
	if err := e.Ping(ctx); err != nil {
		e.Close()
		return nil, "", &hintError{err, "start the engine (scripts/setup.sh does it on Debian) or point DOCKER_HOST at one"}
	}
	why := "selected with --engine"
	if name == "auto" {
		why = "a Docker engine answers"
	}
	return e, why, nil
}
