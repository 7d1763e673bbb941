// Package testenv lets tests that need a real engine skip where it is
// missing on a developer's machine, and fail instead in CI.
package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Required reports whether missing test dependencies are failures: in CI
// (CI=true) or when DOCKYARD_REQUIRE_ENGINES=1.
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("DOCKYARD_REQUIRE_ENGINES") == "1"
}

// Missing skips the test, or fails it when dependencies are required.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if Required() {
		t.Fatalf("required test dependency missing: "+format, args...)
	}
	t.Skipf("skipping: "+format, args...)
}

// NeedDocker skips (or, in CI, fails) the test unless a Docker engine answers.
func NeedDocker(t testing.TB) {
	t.Helper()
	if err := DockerAnswers(); err != nil {
		Missing(t, "%v", err)
	}
}

// DockerAnswers returns an error unless a Docker engine answers.
func DockerAnswers() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := exec.CommandContext(ctx, "docker", "info", "--format", "{{.ServerVersion}}").Run(); err != nil {
		return fmt.Errorf("no Docker engine answers (run scripts/setup.sh): %v", err)
	}
	return nil
}

// WriteFiles writes files (slash paths relative to a new temporary folder,
// with their contents) and returns the folder: a small repository for a test.
func WriteFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
