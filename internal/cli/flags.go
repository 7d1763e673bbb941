package cli

import (
	"cmp"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dockyard-build/dockyard/internal/config"
)

// registerFormat adds --format, and -o/--output as its old, hidden name:
// -o names a file everywhere else (save -o FILE), as in docker.
func registerFormat(cmd *cobra.Command, format *string, formats []string) {
	f := cmd.Flags()
	f.StringVar(format, "format", "text", "output format: "+strings.Join(formats, ", "))
	f.StringVarP(format, "output", "o", "text", "old name of --format")
	_ = f.MarkHidden("output")
	_ = cmd.RegisterFlagCompletionFunc("format", completeFixed(formats...))
	_ = cmd.RegisterFlagCompletionFunc("output", completeFixed(formats...))
}

// formatAlias notes, once, that -o FORMAT is now --format FORMAT.
func (g *globals) formatAlias(cmd *cobra.Command) {
	if cmd.Flags().Changed("output") {
		g.notef("note: -o/--output FORMAT is now --format FORMAT; -o will name an output file, as in save")
	}
}

// defaultJobs is -j's default rule, one for build, push and load: jobs
// from dockyard.yaml, else the number of CPUs plus one (a build in its
// context upload or layer export, or a push waiting on the network,
// leaves a core idle otherwise; docs/benchmarks.md, -j sweep).
func defaultJobs(flag int, cfg *config.Config) int {
	switch {
	case flag > 0:
		return flag
	case cfg != nil && cfg.Jobs > 0:
		return cfg.Jobs
	}
	return runtime.NumCPU() + 1
}

// buildJobs is build's -j default: defaultJobs's, except on the buildkit
// engine, whose builds mostly wait on buildkitd (the session's round trips,
// the export, the parents' layers) rather than use dockyard's cores: there
// it is four per CPU, or the workers' max_builds summed when that is more
// (docs/benchmarks.md, bake: at -j 3 on 2 cores images waited for a slot
// on the critical path; -j 6 to 12 took a quarter less time).
func buildJobs(flag int, cfg *config.Config, engineName string) int {
	if flag > 0 || cfg == nil || cfg.Jobs > 0 || engineName != "buildkit" {
		return defaultJobs(flag, cfg)
	}
	pool := 0
	for _, w := range cfg.Workers {
		if w.On() {
			pool += cmp.Or(w.MaxBuilds, config.DefaultMaxBuilds)
		}
	}
	return max(4*runtime.NumCPU(), pool)
}

// jobsHelp is -j's help, the same for push and load; build's is
// buildJobsHelp.
const (
	jobsHelp      = "images at once (default: jobs from dockyard.yaml, else the number of CPUs plus one)"
	buildJobsHelp = "images at once (default: jobs from dockyard.yaml, else the number of CPUs plus one; on the buildkit engine four per CPU, or its workers' max_builds summed when more)"
)
