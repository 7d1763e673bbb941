package cli

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/dockyard-build/dockyard/internal/publish"
)

// TestExitCode checks the one place that maps errors to exit codes.
func TestExitCode(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want int
	}{
		{"failure", context.Background(), errors.New("build failed"), exitFailure},
		{"usage", context.Background(), usageErrorf("bad"), exitUsage},
		{"docker config", context.Background(), fmt.Errorf("pushing app: %w", &publish.DockerConfigError{Err: errors.New("unexpected EOF")}), exitUsage},
		{"interrupted", canceled, errors.New("build failed"), exitInterrupted},
	}
	for _, tt := range tests {
		if got := exitCode(tt.ctx, tt.err); got != tt.want {
			t.Errorf("%s: exitCode = %d, want %d", tt.name, got, tt.want)
		}
	}
}
