package embedded

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"

	"github.com/containers/image/v5/types"
	"github.com/google/go-containerregistry/pkg/authn"
	"golang.org/x/sys/unix"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// authFile is the containers tools' auth.json.
type authFile struct {
	Auths map[string]authEntry `json:"auths"`
}

type authEntry struct {
	Auth          string `json:"auth,omitempty"`
	IdentityToken string `json:"identitytoken,omitempty"`
}

// useCredentials makes a worker's pulls use creds, by registry host: it
// writes them as an auth.json into a file that lives in memory only and
// that RUN steps do not inherit, and points sys at it. Without creds, the
// containers tools' own auth files apply.
func useCredentials(sys *types.SystemContext, creds map[string]authn.AuthConfig) error {
	f := authFile{Auths: map[string]authEntry{}}
	for host, c := range creds {
		if host == engine.DockerHub {
			host = "docker.io"
		}
		e := authEntry{Auth: c.Auth, IdentityToken: c.IdentityToken}
		if e.Auth == "" && c.Username != "" {
			e.Auth = base64.StdEncoding.EncodeToString([]byte(c.Username + ":" + c.Password))
		}
		if e != (authEntry{}) {
			f.Auths[host] = e
		}
	}
	if len(f.Auths) == 0 {
		return nil
	}
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	fd, err := unix.MemfdCreate("dockyard-auth", unix.MFD_CLOEXEC)
	if err != nil {
		return fmt.Errorf("passing the registry credentials to the build: %w", err)
	}
	file := os.NewFile(uintptr(fd), "dockyard-auth")
	if _, err := file.Write(data); err != nil {
		file.Close()
		return fmt.Errorf("passing the registry credentials to the build: %w", err)
	}
	// The file stays open as long as the worker runs: it builds one image.
	sys.AuthFilePath = fmt.Sprintf("/proc/self/fd/%d", fd)
	return nil
}
