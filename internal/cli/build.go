package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dockyard-build/dockyard/internal/build"
	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/progress"
	"github.com/dockyard-build/dockyard/internal/report"
	"github.com/dockyard-build/dockyard/internal/sched"
	"github.com/dockyard-build/dockyard/internal/workspace"
	"github.com/spf13/cobra"
)

// failureTail is how many lines of a failed task's log are shown.
const failureTail = 20

type buildOptions struct {
	*globals
	selectOptions
	jobs       int
	keepGoing  bool
	noCache    bool
	rerunHooks bool
	push       bool
	engine     string
	progress   string
	report     string
	platforms  []string
}

func newBuildCmd(g *globals, runF func(context.Context, *buildOptions) error) *cobra.Command {
	opts := &buildOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Build the images in dependency order, in parallel",
		Long: `build builds the planned images through a container engine. Each image waits
for its parents, then takes one of -j slots. A component's steps run around its
images: its component.dep folders are copied into dependency/<dep>, then
build/build-pre.sh runs, the images build, build/build-post.sh runs, and what
the component left in generated/ is kept under .dockyard/artifacts/<component>.
dockyard removes only what it created, also after a failure or Ctrl-C.

An image whose input key (Dockerfile, build args, platform, the context files
.dockerignore keeps, its parents' keys, its bases' digests) matches an image
the engine still holds is not built again: it is re-tagged if needed and
reported up-to-date. The key is taken once the component's copies and hooks
ran. --no-cache builds every selected image.

The first failure stops the run unless --keep-going is given. Each task's whole
log is kept in .dockyard/logs/.`,
		Example: `  dockyard build
  dockyard build -s rest-server -j 4 --progress plain
  dockyard build --keep-going --report build-report.json
  dockyard build --since origin/main
  dockyard build -c ./cluster-config --variant k8s`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(progress.Modes, opts.progress) {
				return usageErrorf("unknown progress mode %q (want one of %s)", opts.progress, strings.Join(progress.Modes, ", "))
			}
			if opts.jobs < 0 {
				return usageErrorf("-j must be at least 1")
			}
			if err := checkReport(opts.report); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runBuild(cmd.Context(), opts)
		},
	}
	opts.selectOptions.register(cmd)
	f := cmd.Flags()
	f.IntVarP(&opts.jobs, "jobs", "j", 0, "images built at once (default: jobs from dockyard.yaml, else the number of CPUs plus one)")
	f.BoolVar(&opts.keepGoing, "keep-going", false, "after a failure, build every image that does not depend on it")
	f.BoolVar(&opts.noCache, "no-cache", false, "build every selected image, even up-to-date ones, without the engine's layer cache")
	f.BoolVar(&opts.rerunHooks, "rerun-hooks", false, "run every component's copies and hooks, even those whose inputs did not change")
	f.BoolVar(&opts.push, "push", false, "push each image to its registries as soon as it is built")
	f.StringVar(&opts.engine, "engine", "", "engine: auto, docker, embedded or buildkit (default: engine from dockyard.yaml, else auto)")
	f.StringVar(&opts.progress, "progress", progress.Auto, "progress: "+strings.Join(progress.Modes, ", "))
	f.StringVar(&opts.report, "report", "", "write a JSON report of the run to this file")
	f.StringSliceVar(&opts.platforms, "platform", nil, "build every image for these platforms (os/arch[/variant], comma-separated), in place of platforms from dockyard.yaml")
	return cmd
}

func runBuild(ctx context.Context, opts *buildOptions) error {
	started := time.Now()
	p, pl, err := opts.makePlan(opts.selectOptions)
	if err != nil {
		return err
	}
	if err := setPlatforms(pl, opts.platforms); err != nil {
		return err
	}
	engineName := opts.engine
	if engineName == "" {
		engineName = p.Config.Engine
	}
	eng, why, err := opts.openEngine(ctx, engineName)
	if err != nil {
		return err
	}
	defer eng.Close()
	if err := checkPlatforms(ctx, eng, pl); err != nil {
		return err
	}
	inc, err := newIncremental(p, eng, eng.Name())
	if err != nil {
		return err
	}
	var push *buildPush
	if opts.push {
		if push, err = newBuildPush(p, pl, opts.images, eng, opts.stdout); err != nil {
			return err
		}
	}

	ws, err := workspace.Open(p.Root)
	if err != nil {
		return err
	}
	opts.atCrash(ws.Close)
	prog, err := progress.New(progress.Options{Mode: opts.progress, Out: opts.stderr, LogDir: filepath.Join(p.Root, filepath.FromSlash(logDir))})
	if err != nil {
		ws.Close()
		return err
	}
	showRecovery(ws, prog)
	prog.Message("engine: %s (%s); %d %s", eng.Name(), why, len(pl.Images), plural(len(pl.Images), "image"))
	if note := plan.LeftOutNote(p); note != "" {
		prog.Message("note: %s", note)
	}

	jobs := opts.jobs
	if jobs == 0 {
		jobs = p.Config.Jobs
	}
	if jobs == 0 {
		// One more than the cores: a build in its context upload or layer
		// export leaves a core idle otherwise (docs/benchmarks.md, -j sweep).
		jobs = runtime.NumCPU() + 1
	}
	rep := report.New(p.Root, eng.Name(), started, build.Images(pl))
	rep.EngineReason = why
	r := &build.Runner{
		Project: p, Plan: pl, Engine: eng, Workspace: ws, Progress: prog, Report: rep,
		Options: build.Options{Jobs: jobs, KeepGoing: opts.keepGoing, NoCache: opts.noCache, RerunHooks: opts.rerunHooks},
		Auth:    keychain(p.Config),
	}
	r.Incremental = inc
	if push != nil {
		r.AfterBuild, r.AfterIndex = push.hook(prog, rep), push.indexHook(prog, rep)
	}
	runErr := r.Run(ctx)
	if cerr := ws.Close(); cerr != nil {
		runErr = errors.Join(runErr, fmt.Errorf("cleaning up: %w", cerr))
	}
	prog.Close()
	showFailures(opts, r.Failures, prog)
	showResults(opts, rep)
	return finishReport(ctx, opts, rep, runErr, engine.UnconfirmedStops(eng))
}

// showRecovery says what Open did with what an interrupted run left.
func showRecovery(ws *workspace.Workspace, prog *progress.Progress) {
	for _, path := range ws.Recovered {
		prog.Message("removed %s, left by an interrupted run", path)
	}
	for _, l := range ws.Left {
		prog.Message("warning: %s", l)
	}
	for _, i := range ws.Ignored {
		prog.Message("warning: ignored %s", i)
	}
}

// finishReport writes the report, also when the run failed, and turns the
// run's error into the command's; stopErr names the canceled builds that
// the engine did not confirm stopped.
func finishReport(ctx context.Context, opts *buildOptions, rep *report.Report, runErr, stopErr error) error {
	status := "succeeded"
	switch {
	case ctx.Err() != nil:
		status = "interrupted"
	case runErr != nil:
		status = "failed"
	}
	rep.Finish(time.Now(), status, runErr)
	if opts.report != "" {
		if err := rep.WriteFile(opts.report); err != nil {
			return errors.Join(runErr, err)
		}
	}
	var conflict *build.ConflictError
	var missing *build.MissingContextError
	switch {
	case ctx.Err() != nil && stopErr != nil:
		return fmt.Errorf("interrupted; %w", stopErr)
	case ctx.Err() != nil:
		return fmt.Errorf("interrupted; the source tree is as it was")
	case errors.As(runErr, &missing):
		return &hintError{&usageError{fmt.Errorf("build failed: %w", runErr)},
			"make the context first (run the script that fills it), then build again"}
	case errors.As(runErr, &conflict):
		return &usageError{runErr}
	case runErr != nil:
		return fmt.Errorf("build failed: %w", errors.Join(runErr, stopErr))
	}
	return nil
}

// showFailures prints each failed task's last log lines and log path.
func showFailures(opts *buildOptions, failures []sched.Outcome, prog *progress.Progress) {
	for _, f := range failures {
		msg, _, _ := strings.Cut(f.Err.Error(), "\n")
		fmt.Fprintf(opts.stderr, "\n%s failed: %s\n", f.ID, msg)
		for _, line := range prog.Tail(f.ID, failureTail) {
			fmt.Fprintf(opts.stderr, "  | %s\n", line)
		}
		fmt.Fprintf(opts.stderr, "  full log: %s\n", prog.LogPath(f.ID))
	}
}

// showResults prints what each image became: its status, short ID (as
// docker images shows it; the report has the whole one) and refs.
func showResults(opts *buildOptions, rep *report.Report) {
	tw := tabwriter.NewWriter(opts.stdout, 0, 0, 2, ' ', 0)
	for _, im := range rep.Images {
		id := strings.TrimPrefix(im.ID, "sha256:")
		if len(id) > 12 {
			id = id[:12]
		}
		if id == "" {
			id = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", im.Name, im.Status, id, strings.Join(im.Refs, ","))
		for _, p := range im.Platforms {
			// No tabs: the digests do not widen the table's columns.
			fmt.Fprintf(tw, "  %s %s %s\n", p.Platform, p.Status, cmp.Or(p.ID, "-"))
		}
	}
	tw.Flush()
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// checkReport makes sure, before anything is built, that the report can
// be written where --report says: a file in a folder that exists and
// takes new files. The check leaves nothing behind.
func checkReport(path string) error {
	if path == "" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return usageErrorf("--report %s is a folder; name the file to write", path)
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return usageErrorf("--report %s: folder %s does not exist", path, dir)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return usageErrorf("--report %s: cannot write there: %v", path, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
