package cli

import (
	"runtime"
	"testing"

	"github.com/dockyard-build/dockyard/internal/config"
)

func TestBuildJobs(t *testing.T) {
	off := false
	cpus := runtime.NumCPU()
	tests := []struct {
		name   string
		flag   int
		cfg    *config.Config
		engine string
		want   int
	}{
		{"docker default", 0, &config.Config{}, "docker", cpus + 1},
		{"embedded default", 0, &config.Config{}, "embedded", cpus + 1},
		{"buildkit default", 0, &config.Config{}, "buildkit", 4 * cpus},
		{"buildkit, no configuration", 0, nil, "buildkit", cpus + 1},
		{"flag wins", 2, &config.Config{Jobs: 7}, "buildkit", 2},
		{"jobs of dockyard.yaml win", 0, &config.Config{Jobs: 7}, "buildkit", 7},
		{"a larger pool", 0, &config.Config{Workers: []config.Worker{
			{MaxBuilds: 4 * cpus}, {}, {MaxBuilds: 9, Enabled: &off},
		}}, "buildkit", 4*cpus + config.DefaultMaxBuilds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := buildJobs(tt.flag, tt.cfg, tt.engine); got != tt.want {
				t.Errorf("buildJobs(%d, ..., %s) = %d, want %d", tt.flag, tt.engine, got, tt.want)
			}
		})
	}
}
