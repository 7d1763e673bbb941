package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/publish"
	"github.com/spf13/cobra"
)

type pushOptions struct {
	*globals
	selectOptions
	jobs   int
	engine string
}

func newPushCmd(g *globals, runF func(context.Context, *pushOptions) error) *cobra.Command {
	opts := &pushOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "push",
		Short: "Push the built images to their registries",
		Long: `push pushes the project's images to every registry reference each has:
registry, then registries of dockyard.yaml, with the configured tags. Without
-i or -s it pushes every image (but those of a tier with push: false); with
them, only the images they name: unlike build, the images' parents are not
pushed along.

Each image is read from the engine's store by the image ID this checkout's
last build recorded: an image never built here is an error, whatever the
engine holds under its name. -j images push at once; a blob the registry has
already is not uploaded again. Failed requests are retried with backoff. Each
reference pushed is printed as REF@DIGEST.

Credentials come from the docker config (docker login, credential helpers),
then from the variable password_env names, then from pai's configuration;
never from the command line.`,
		Example: `  dockyard push
  dockyard push -i rest-server -i webportal
  dockyard push --tag '{git}' --tag latest
  dockyard push -c ./cluster-config -s rest-server`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.jobs < 0 {
				return usageErrorf("-j must be at least 1")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runPush(cmd.Context(), opts)
		},
	}
	opts.selectOptions.register(cmd, false)
	f := cmd.Flags()
	f.IntVarP(&opts.jobs, "jobs", "j", 0, jobsHelp)
	f.StringVar(&opts.engine, "engine", "", "engine whose images to push: auto, docker, embedded or buildkit (default: engine from dockyard.yaml, else auto)")
	return cmd
}

func runPush(ctx context.Context, opts *pushOptions) error {
	start := time.Now()
	sh, err := opts.shipSource(ctx, opts.selectOptions, opts.engine, pushed(opts.images))
	if err != nil {
		return err
	}
	defer sh.engine.Close()
	p, images, eng, src := sh.project, sh.images, sh.engine, sh.src
	jobs, err := pushJobs(images)
	if err != nil {
		return err
	}
	pusher, err := newPusher(p.Config, func(host string, err error) { opts.notef("%s", retryNote(host, err)) })
	if err != nil {
		return err
	}
	set := publish.ImageSet{}
	var names, ids []string
	var single []publish.Job
	refs := 0
	for _, j := range jobs {
		if platformIDs := sh.platforms[j.Image]; len(platformIDs) > 0 {
			// A multi-platform image goes as one index of its platforms.
			pushed, err := pusher.PushPlatforms(ctx, src, j, platformIDs)
			for _, r := range pushed {
				refs++
				fmt.Fprintln(opts.stdout, r)
			}
			if err != nil {
				return shipError(ctx, err)
			}
			continue
		}
		single = append(single, j)
		names, ids = append(names, j.Image), append(ids, sh.ids[j.Image])
	}
	imgs, err := publish.ReadImages(ctx, src, ids)
	if err != nil {
		return shipError(ctx, fmt.Errorf("reading the images to push: %w", err))
	}
	for i, n := range names {
		set[n] = imgs[i]
	}
	err = pusher.PushAll(ctx, set, single, defaultJobs(opts.jobs, p.Config), func(r publish.Pushed) {
		refs++
		fmt.Fprintln(opts.stdout, r)
	})
	if err != nil {
		return shipError(ctx, err)
	}
	fmt.Fprintf(opts.stderr, "pushed %d %s of %d %s from the %s engine in %.1fs\n",
		refs, plural(refs, "reference"), len(jobs), plural(len(jobs), "image"), eng.Name(), time.Since(start).Seconds())
	return nil
}

// pushJobs are the images to push with their references; an image without
// a registry reference is a configuration error.
func pushJobs(images []*plan.Image) ([]publish.Job, error) {
	var jobs []publish.Job
	for _, im := range images {
		refs := im.PushRefs()
		if len(refs) == 0 {
			return nil, noRegistryRef(im.Name)
		}
		jobs = append(jobs, publish.Job{Image: im.Name, Refs: refs})
	}
	return jobs, nil
}
