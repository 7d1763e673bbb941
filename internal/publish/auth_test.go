package publish

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/dockyard-build/dockyard/internal/config"
)

const (
	user     = "ci"
	password = "s3cret-pw-7f3a"
)

// guarded asks for basic auth, as an htpasswd-protected registry does.
type guarded struct{ next http.Handler }

func (g guarded) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if u, p, ok := r.BasicAuth(); !ok || u != user || p != password {
		w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
		http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`, http.StatusUnauthorized)
		return
	}
	g.next.ServeHTTP(w, r)
}

// isolate gives the test an empty home and docker config directory, which
// it returns.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("DOCKER_CONFIG", filepath.Join(dir, "docker"))
	t.Setenv("REGISTRY_AUTH_FILE", "")
	t.Setenv("XDG_RUNTIME_DIR", "")
	if err := os.MkdirAll(filepath.Join(dir, "docker"), 0o700); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "docker")
}

func writeFile(t *testing.T, path, body string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
}

func TestCredentials(t *testing.T) {
	srv := httptest.NewServer(guarded{registry.New(registry.Logger(quiet))})
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	reg := config.Registry{Domain: host, Namespace: "ns", Username: user, PasswordEnv: "DOCKYARD_TEST_PASSWORD"}
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))

	tests := []struct {
		name     string
		env      string // the variable password_env names
		pai      config.Secret
		docker   string // config.json
		helper   string // secret a credential helper returns
		wantFrom string
		wantErr  string
	}{
		{name: "none", wantErr: "registry " + host + " wants credentials and none are configured for it"},
		{name: "wrong password from the variable", env: "wrong", wantErr: "registry " + host + " refused the credentials from $DOCKYARD_TEST_PASSWORD"},
		{name: "password from the variable", env: password, wantFrom: "$DOCKYARD_TEST_PASSWORD"},
		{name: "pai's password", pai: password, wantFrom: "pai's services-configuration.yaml"},
		{name: "the docker config first", env: "wrong", docker: `{"auths": {"` + host + `": {"auth": "` + basic + `"}}}`, wantFrom: "the docker config"},
		{name: "a credential helper", env: "wrong", docker: `{"credHelpers": {"` + host + `": "dockyardtest"}}`, helper: password, wantFrom: "the docker config"},
		{name: "wrong password in the docker config", docker: `{"auths": {"` + host + `": {"auth": "` + base64.StdEncoding.EncodeToString([]byte(user+":nope")) + `"}}}`,
			wantErr: "registry " + host + " refused the credentials from the docker config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := isolate(t)
			t.Setenv("DOCKYARD_TEST_PASSWORD", tt.env)
			if tt.docker != "" {
				writeFile(t, filepath.Join(dir, "config.json"), tt.docker, 0o600)
			}
			if tt.helper != "" {
				bin := t.TempDir()
				writeFile(t, filepath.Join(bin, "docker-credential-dockyardtest"),
					"#!/bin/sh\ncat >/dev/null\necho '{\"Username\": \""+user+"\", \"Secret\": \""+tt.helper+"\"}'\n", 0o755)
				t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
			}
			r := reg
			r.Password = tt.pai
			keys := NewKeychain([]config.Registry{r}, func(k string) (string, bool) {
				v, ok := os.LookupEnv(k)
				return v, ok && v != ""
			})
			_, err := newPusher(t, Options{Keychain: keys}).Push(t.Context(), randomImage(t, 1), []string{host + "/ns/app:1"})
			if tt.wantErr != "" {
				var ae *AuthError
				if !errors.As(err, &ae) || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), password) {
					t.Errorf("not one clean line: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := keys.From(host); got != tt.wantFrom {
				t.Errorf("credentials from %q, want %q", got, tt.wantFrom)
			}
		})
	}
}

// TestMalformedDockerConfig checks that a docker config that does not
// parse is reported as such, at once, not as a registry that does not
// answer after retries.
func TestMalformedDockerConfig(t *testing.T) {
	dir := isolate(t)
	writeFile(t, filepath.Join(dir, "config.json"), `{"auths": {"x": `, 0o600)
	host, _ := newRegistry(t)
	p := newPusher(t, Options{Keychain: NewKeychain(nil, nil), Backoff: remote.Backoff{Duration: time.Second, Factor: 1, Steps: 3}})
	start := time.Now()
	_, err := p.Push(t.Context(), randomImage(t, 1), []string{host + "/ns/app:1"})
	var ce *DockerConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v (%T), want a *DockerConfigError", err, err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "reading the docker config for credentials: ") || !strings.Contains(msg, filepath.Join(dir, "config.json")) {
		t.Errorf("err = %q, want it to name the docker config", msg)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %s: the error was retried", took)
	}
}
