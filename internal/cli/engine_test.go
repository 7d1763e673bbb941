package cli

import (
	"errors"
	"testing"

	"github.com/dockyard-build/dockyard/internal/engine"
)

func TestChooseEngine(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	c, err := chooseEngine(t.Context(), "auto")
	if err != nil {
		t.Fatal(err)
	}
	if c.name != "embedded" || c.why != "fell back from docker: no Docker engine answers at unix:///nonexistent/docker.sock" || !errors.Is(c.dockerErr, engine.ErrUnavailable) {
		t.Errorf("auto without a Docker engine = %+v", c)
	}
	for _, name := range []string{"docker", "embedded"} {
		if c, err := chooseEngine(t.Context(), name); err != nil || c.name != name || c.why != whyRequested {
			t.Errorf("chooseEngine(%s) = %+v, %v", name, c, err)
		}
	}
	var u *usageError
	if _, err := chooseEngine(t.Context(), "podman"); !errors.As(err, &u) {
		t.Errorf("an unknown engine gave %v, want a usage error", err)
	}
}

func TestLsFormatting(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{{0, "0B"}, {999, "999B"}, {2_133_303, "2.13MB"}, {1_500_000_000, "1.5GB"}} {
		if got := humanSize(tt.n); got != tt.want {
			t.Errorf("humanSize(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	if got := shortID("sha256:0123456789abcdef"); got != "0123456789ab" {
		t.Errorf("shortID = %q", got)
	}
	if got := shortID("abc"); got != "abc" {
		t.Errorf("shortID of a short key = %q", got)
	}
}
