package publish

import (
	"context"
	"sync"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"

	"github.com/dockyard-build/dockyard/internal/config"
)

// Keychain finds a registry's credentials, in this order: the docker
// config (~/.docker/config.json or $DOCKER_CONFIG, with its credential
// helpers), then the variable dockyard.yaml names in password_env, then
// pai's password. It remembers where each registry's credentials came
// from, for messages; the credentials themselves are never printed.
type Keychain struct {
	// docker is the docker config's keychain; nil means none.
	docker   authn.Keychain
	settings map[string]setting // by registry host

	mu   sync.Mutex
	from map[string]string
}

var _ authn.Keychain = (*Keychain)(nil)

type setting struct {
	user, from string
	password   config.Secret
}

// NewKeychain returns the keychain of the docker config and of the given
// registries' settings; lookup finds the variables they name. When two
// registries share a host, the first one's credentials count.
func NewKeychain(regs []config.Registry, lookup func(string) (string, bool)) *Keychain {
	k := &Keychain{docker: authn.DefaultKeychain, settings: map[string]setting{}}
	for _, r := range regs {
		ref, err := name.ParseReference(r.Ref("x", "latest"))
		if err != nil {
			continue
		}
		host := ref.Context().RegistryStr()
		if _, ok := k.settings[host]; ok {
			continue
		}
		if user, password, from := r.Credentials(lookup); from != "" {
			k.settings[host] = setting{user: user, password: password, from: from}
		}
	}
	return k
}

// Resolve returns the credentials for a registry, anonymous when none are
// configured.
func (k *Keychain) Resolve(target authn.Resource) (authn.Authenticator, error) {
	return k.ResolveContext(context.Background(), target)
}

// ResolveContext is Resolve with a context for credential helpers.
func (k *Keychain) ResolveContext(ctx context.Context, target authn.Resource) (authn.Authenticator, error) {
	host := target.RegistryStr()
	if k.docker != nil {
		a, err := authn.Resolve(ctx, k.docker, target)
		if err != nil {
			return nil, &DockerConfigError{Err: err}
		}
		if a != authn.Anonymous {
			k.note(host, "the docker config")
			return a, nil
		}
	}
	if s, ok := k.settings[host]; ok {
		k.note(host, s.from)
		return authn.FromConfig(authn.AuthConfig{Username: s.user, Password: string(s.password)}), nil
	}
	return authn.Anonymous, nil
}

func (k *Keychain) note(host, from string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.from == nil {
		k.from = map[string]string{}
	}
	k.from[host] = from
}

// From says where the credentials used for a registry came from; "" when
// none were found.
func (k *Keychain) From(host string) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.from[host]
}
