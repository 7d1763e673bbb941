package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/moby/moby/client"
)

// dockerTarget resolves, once per process, the Docker engine to use and
// points the Docker client at it.
var dockerTarget = sync.OnceValues(func() (dockerEndpoint, error) {
	ep, err := resolveDocker()
	if err == nil {
		err = ep.use()
	}
	return ep, err
})

// dockerEndpoint is the Docker engine the docker CLI would talk to, and
// why: DOCKER_HOST, else the context DOCKER_CONTEXT names, else the
// docker config's currentContext, else the default socket.
type dockerEndpoint struct {
	host    string
	context string // the context it comes from; "" for DOCKER_HOST and the default
	tlsDir  string // the context's TLS material, when it has some
	skipTLS bool
}

// where says, for messages, where the endpoint is and which context
// named it: "unix:///var/run/docker.sock", "tcp://h:2376, context prod".
func (e dockerEndpoint) where() string {
	if e.context == "" {
		return e.host
	}
	return e.host + ", context " + e.context
}

// dockerConfigDir is $DOCKER_CONFIG, else ~/.docker, as the docker CLI has it.
func dockerConfigDir() string {
	if d := os.Getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".docker")
}

// resolveDocker finds the endpoint as the docker CLI does. A context
// that is named but does not exist is an error, as it is for docker.
func resolveDocker() (dockerEndpoint, error) {
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		return dockerEndpoint{host: h}, nil
	}
	dir := dockerConfigDir()
	name := os.Getenv("DOCKER_CONTEXT")
	if name == "" {
		var cfg struct {
			CurrentContext string `json:"currentContext"`
		}
		if data, err := os.ReadFile(filepath.Join(dir, "config.json")); err == nil {
			_ = json.Unmarshal(data, &cfg) // an unreadable config is the keychain's to report
		}
		name = cfg.CurrentContext
	}
	if name == "" || name == "default" {
		return dockerEndpoint{host: client.DefaultDockerHost}, nil
	}
	return readContext(dir, name)
}

// readContext reads a docker context's endpoint from the docker config's
// context store: contexts/meta/<sha256 of the name>/meta.json.
func readContext(dir, name string) (dockerEndpoint, error) {
	sum := sha256.Sum256([]byte(name))
	id := hex.EncodeToString(sum[:])
	data, err := os.ReadFile(filepath.Join(dir, "contexts", "meta", id, "meta.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return dockerEndpoint{}, &hintError{usageErrorf("docker context %q does not exist", name),
			"list the contexts with docker context ls, and choose one with docker context use NAME"}
	}
	if err != nil {
		return dockerEndpoint{}, fmt.Errorf("reading docker context %q: %w", name, err)
	}
	var meta struct {
		Endpoints map[string]struct {
			Host          string
			SkipTLSVerify bool
		}
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		return dockerEndpoint{}, fmt.Errorf("reading docker context %q: %w", name, err)
	}
	ep, ok := meta.Endpoints["docker"]
	if !ok || ep.Host == "" {
		return dockerEndpoint{}, usageErrorf("docker context %q has no docker endpoint", name)
	}
	out := dockerEndpoint{host: ep.Host, context: name, skipTLS: ep.SkipTLSVerify}
	if tls := filepath.Join(dir, "contexts", "tls", id, "docker"); exists(tls) {
		out.tlsDir = tls
	}
	return out, nil
}

// use points this process's Docker client at the endpoint: the client
// reads DOCKER_HOST and the TLS variables when it is made.
func (e dockerEndpoint) use() error {
	if e.context == "" {
		return nil
	}
	if err := os.Setenv("DOCKER_HOST", e.host); err != nil {
		return err
	}
	if e.tlsDir == "" {
		return nil
	}
	if err := os.Setenv("DOCKER_CERT_PATH", e.tlsDir); err != nil {
		return err
	}
	if e.skipTLS {
		return os.Unsetenv("DOCKER_TLS_VERIFY")
	}
	return os.Setenv("DOCKER_TLS_VERIFY", "1")
}
