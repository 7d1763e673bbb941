package buildkit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/session/secrets"
	"github.com/moby/buildkit/session/secrets/secretsprovider"
	"github.com/moby/buildkit/session/sshforward/sshprovider"
)

// mountRE finds the --mount options of RUN instructions.
var mountRE = regexp.MustCompile(`--mount=(\S+)`)

// mounts is what a Dockerfile's RUN --mount options ask of the session.
type mounts struct {
	secrets bool
	// ssh are the IDs of the SSH agents mounted.
	ssh []string
}

// scanMounts finds the secret and SSH mounts of a Dockerfile.
func scanMounts(dockerfile []byte) mounts {
	var m mounts
	for _, match := range mountRE.FindAllSubmatch(dockerfile, -1) {
		fields := map[string]string{}
		for _, f := range strings.Split(strings.Trim(string(match[1]), `"'`), ",") {
			k, v, _ := strings.Cut(f, "=")
			fields[strings.ToLower(k)] = v
		}
		switch fields["type"] {
		case "secret":
			m.secrets = true
		case "ssh":
			id := fields["id"]
			if id == "" {
				id = "default"
			}
			if !slices.Contains(m.ssh, id) {
				m.ssh = append(m.ssh, id)
			}
		}
	}
	return m
}

// envSecrets serves each secret a build mounts from the environment
// variable of the same name, as docker buildx build --secret id=NAME does;
// a variable that is not set is a secret that does not exist.
func envSecrets() session.Attachable {
	return secretsprovider.NewSecretProvider(envStore{})
}

type envStore struct{}

func (envStore) GetSecret(_ context.Context, id string) ([]byte, error) {
	v, ok := os.LookupEnv(id)
	if !ok {
		return nil, fmt.Errorf("secret %s: no environment variable %s: %w", id, id, secrets.ErrNotFound)
	}
	return []byte(v), nil
}

// sshAgent forwards the SSH agent of $SSH_AUTH_SOCK under each ID.
func sshAgent(ids []string) (session.Attachable, error) {
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		return nil, errors.New("the Dockerfile forwards an SSH agent (RUN --mount=type=ssh) and SSH_AUTH_SOCK is not set: start ssh-agent and add a key")
	}
	var confs []sshprovider.AgentConfig
	for _, id := range ids {
		confs = append(confs, sshprovider.AgentConfig{ID: id, Paths: []string{sock}})
	}
	a, err := sshprovider.NewSSHAgentProvider(confs)
	if err != nil {
		return nil, fmt.Errorf("forwarding the SSH agent at %s: %w", sock, err)
	}
	return a, nil
}
