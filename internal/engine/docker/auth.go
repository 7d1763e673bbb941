package docker

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/moby/buildkit/session/auth"
	"github.com/moby/moby/api/types/registry"
	"google.golang.org/grpc"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// indexServer is the key the engine finds Docker Hub's credentials by.
const indexServer = "https://index.docker.io/v1/"

// authConfigs are the credentials a classic build pulls its bases with:
// those of the registries req.Bases name, as the engine looks them up.
func authConfigs(req engine.Request) (map[string]registry.AuthConfig, error) {
	creds, err := req.BaseCredentials()
	if err != nil {
		return nil, fmt.Errorf("finding the credentials to pull the bases with: %w", err)
	}
	out := make(map[string]registry.AuthConfig, len(creds))
	for host, c := range creds {
		key := host
		if host == engine.DockerHub {
			key = indexServer
		}
		out[key] = registry.AuthConfig{
			Username: c.Username, Password: c.Password, Auth: c.Auth, ServerAddress: key,
			IdentityToken: c.IdentityToken, RegistryToken: c.RegistryToken,
		}
	}
	return out, nil
}

// authProvider answers, in a BuildKit session, the engine's questions for
// the credentials of a registry it pulls from.
type authProvider struct {
	auth.UnimplementedAuthServer
	keys authn.Keychain
}

// Register attaches the provider to the session.
func (p *authProvider) Register(s *grpc.Server) { auth.RegisterAuthServer(s, p) }

// Credentials returns the user and secret for req.Host; none when there
// are none. BuildKit names Docker Hub registry-1.docker.io.
func (p *authProvider) Credentials(_ context.Context, req *auth.CredentialsRequest) (*auth.CredentialsResponse, error) {
	host := req.Host
	if host == "registry-1.docker.io" {
		host = engine.DockerHub
	}
	c, err := engine.Credentials(p.keys, host)
	if err != nil {
		return nil, err
	}
	if c.IdentityToken != "" {
		return &auth.CredentialsResponse{Secret: c.IdentityToken}, nil
	}
	return &auth.CredentialsResponse{Username: c.Username, Secret: c.Password}, nil
}
