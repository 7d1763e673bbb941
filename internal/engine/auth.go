package engine

import (
	"fmt"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
)

// DockerHub is the host go-containerregistry names Docker Hub by.
const DockerHub = name.DefaultRegistry

// BaseCredentials returns, from r.Auth, the credentials of each registry
// that r.Bases pull from, by host (DockerHub for Docker Hub); registries
// without credentials are left out, and so is a base that is not a valid
// reference: the engine says what is wrong with it.
func (r Request) BaseCredentials() (map[string]authn.AuthConfig, error) {
	out := map[string]authn.AuthConfig{}
	if r.Auth == nil {
		return out, nil
	}
	for _, b := range r.Bases {
		ref, err := name.ParseReference(b)
		if err != nil {
			continue
		}
		host := ref.Context().RegistryStr()
		if _, done := out[host]; done {
			continue
		}
		cfg, err := Credentials(r.Auth, host)
		if err != nil {
			return nil, err
		}
		if cfg != (authn.AuthConfig{}) {
			out[host] = cfg
		}
	}
	return out, nil
}

// Credentials resolves the credentials of the registry host with keys;
// none is the zero AuthConfig.
func Credentials(keys authn.Keychain, host string) (authn.AuthConfig, error) {
	reg, err := name.NewRegistry(host)
	if err != nil {
		return authn.AuthConfig{}, fmt.Errorf("registry %q: %w", host, err)
	}
	a, err := keys.Resolve(reg)
	if err != nil {
		return authn.AuthConfig{}, err
	}
	cfg, err := a.Authorization()
	if err != nil || cfg == nil {
		return authn.AuthConfig{}, err
	}
	return *cfg, nil
}
