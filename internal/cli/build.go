package cli

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/progress"
	"github.com/dockyard-build/dockyard/internal/report"
	"github.com/dockyard-build/dockyard/internal/run"
	"github.com/dockyard-build/dockyard/internal/workspace"
	"github.com/spf13/cobra"
)

type buildOptions struct {
	*globals
	selectOptions
	jobs      int
	keepGoing bool
	noCache   bool
	pull      bool
	rerun     bool
	push      bool
	load      string
	engine    string
	progress  string
	report    string
	metadata  string
	dryRun    bool
}

func newBuildCmd(g *globals, runF func(context.Context, *buildOptions) error) *cobra.Command {
	opts := &buildOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Build the images in dependency order, in parallel",
		Long: `build builds the planned images through a container engine. Each image waits
for its parents, then takes one of -j slots. A component's steps run around its
images: its component.dep folders are copied into dependency/DEP, then
build/build-pre.sh runs, the images build, build/build-post.sh runs, and what
the component left in generated/ is kept under .dockyard/artifacts/COMPONENT.
dockyard removes only what it created, also after a failure or Ctrl-C.

An image whose input key (Dockerfile, build args, platform, the context files
its ignore file keeps, its parents' keys, its bases' digests) matches an image
the engine still holds is not built again: it is re-tagged if needed and
reported up-to-date. The key is taken once the component's copies and hooks
ran. --no-cache builds every selected image. A base's digest is what the
engine holds, else what its registry said within the hour; --pull asks the
registry for every base now, builds the images whose base moved, and has the
engine pull the bases of every image it builds.

The first failure stops the run unless --keep-going is given. Each task's whole
log is kept in .dockyard/logs/.`,
		Example: `  dockyard build
  dockyard build -s rest-server -j 4 --progress plain
  dockyard build --keep-going --report build-report.json
  dockyard build --push --metadata-file metadata.json -t '{git}'
  dockyard build --dry-run -s rest-server
  dockyard build --pull                 # build on the newest image of each base's tag
  dockyard build --since origin/main
  dockyard build -c ./cluster-config --variant k8s`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(progress.Modes, opts.progress) {
				return usageErrorf("unknown progress mode %q (want one of %s)", opts.progress, strings.Join(progress.Modes, ", "))
			}
			if opts.jobs < 0 {
				return usageErrorf("-j must be at least 1")
			}
			if opts.load != "" && !slices.Contains(loadTargets, opts.load) {
				return usageErrorf("--load=%s: unknown engine (want one of %s)", opts.load, strings.Join(loadTargets, ", "))
			}
			for flag, path := range map[string]string{"--report": opts.report, "--metadata-file": opts.metadata} {
				if err := checkReport(flag, path); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			if opts.dryRun {
				return runPlan(cmd.Context(), &planOptions{globals: g, selectOptions: opts.selectOptions, format: "text", pull: opts.pull})
			}
			return runBuild(cmd.Context(), opts)
		},
	}
	opts.register(cmd)
	return cmd
}

// register adds build's flags to cmd.
func (opts *buildOptions) register(cmd *cobra.Command) {
	opts.selectOptions.register(cmd, true)
	f := cmd.Flags()
	f.IntVarP(&opts.jobs, "jobs", "j", 0, buildJobsHelp)
	f.BoolVar(&opts.keepGoing, "keep-going", false, "after a failure, build every image that does not depend on it")
	f.BoolVar(&opts.noCache, "no-cache", false, "build every selected image, even up-to-date ones, without the engine's layer cache")
	f.BoolVar(&opts.pull, "pull", false, "ask the registry for every base's newest digest, and pull the bases of the images built")
	f.BoolVar(&opts.push, "push", false, "push each image to its registries as soon as it is built")
	f.StringVar(&opts.load, "load", "", "load each image into the Docker engine (--load, --load=docker) or the embedded engine's store (--load=embedded) as soon as it is ready, when another engine builds")
	f.Lookup("load").NoOptDefVal = "docker"
	f.BoolVar(&opts.rerun, "rerun-hooks", false, "run every component's copies and hooks, even those whose inputs did not change")
	f.StringVar(&opts.engine, "engine", "", "engine: auto, docker, embedded or buildkit (default: engine from dockyard.yaml, else auto)")
	f.StringVar(&opts.progress, "progress", progress.Auto, "progress: "+strings.Join(progress.Modes, ", "))
	f.StringVar(&opts.report, "report", "", "write a JSON report of the run to this file")
	f.StringVar(&opts.metadata, "metadata-file", "", "buildx's name for --report: the report, with the digest pushed to each reference")
	f.BoolVar(&opts.dryRun, "dry-run", false, "build nothing: show the plan, as dockyard plan does")
}

func runBuild(ctx context.Context, opts *buildOptions) error {
	started := time.Now()
	p, pl, err := opts.makePlan(ctx, opts.selectOptions)
	if err != nil {
		return err
	}
	eng, why, err := opts.openEngine(ctx, cmp.Or(opts.engine, p.Config.Engine))
	if err != nil {
		return err
	}
	defer eng.Close()
	if err := checkPlatforms(ctx, eng, pl); err != nil {
		return err
	}
	inc, err := newIncremental(p, eng, eng.Name(), opts.pull)
	if err != nil {
		return err
	}
	sh, err := opts.shipping(ctx, p, pl, eng)
	if err != nil {
		return err
	}
	defer sh.close()
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
	rep := report.New(p.Root, eng.Name(), started, run.Images(pl))
	rep.EngineReason = why
	r := &run.Runner{
		Project: p, Plan: pl, Engine: eng, Workspace: ws, Progress: prog, Report: rep, Incremental: inc,
		Options:    run.Options{Jobs: buildJobs(opts.jobs, p.Config, eng.Name()), KeepGoing: opts.keepGoing, NoCache: opts.noCache, RerunHooks: opts.rerun, Pull: opts.pull},
		AfterBuild: sh.after(prog, rep), AfterIndex: sh.index(prog, rep),
		Auth: keychain(p.Config),
	}
	return opts.finish(ctx, r, r.Run(ctx))
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

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// checkReport makes sure, before anything is built, that the report can
// be written where flag says: a file in a folder that exists and takes new
// files. The check leaves nothing behind.
func checkReport(flag, path string) error {
	if path == "" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return usageErrorf("%s %s is a folder; name the file to write", flag, path)
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return usageErrorf("%s %s: folder %s does not exist", flag, path, dir)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return usageErrorf("%s %s: cannot write there: %v", flag, path, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
