package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/publish"
	"github.com/dockyard-build/dockyard/internal/publish/archive"
	"github.com/spf13/cobra"
)

// The load command; load.go holds what every command uses to load the
// project.

type loadOptions struct {
	*globals
	input string
	to    string
	jobs  int
}

func newLoadCmd(g *globals, runF func(context.Context, *loadOptions) error) *cobra.Command {
	opts := &loadOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "load FILE",
		Short: "Put every image of an archive into an engine or a registry",
		Long: `load reads an archive that dockyard save or docker save wrote (docker or OCI
format, gzip-compressed or not) and puts every image in it, under all its
references, into the Docker engine, the embedded store, or a registry. Loading
into a registry (--to HOST[:PORT][/NAMESPACE]) keeps each reference's
repository path and tag and replaces its registry. Each reference loaded is
printed (REF@DIGEST for a registry).`,
		Example: `  dockyard load images.tar.gz
  dockyard load images.tar --to embedded
  dockyard load --input images.tar --to registry.example:5000`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 1 && opts.input != "":
				return usageErrorf("name the archive once: as the argument or with --input")
			case len(args) == 1:
				opts.input = args[0]
			case opts.input == "":
				return usageErrorf("name the archive to load: dockyard load FILE")
			}
			if scheme, _, ok := strings.Cut(opts.to, "://"); ok {
				return &hintError{usageErrorf("--to %q: a registry is named without %s://", opts.to, scheme),
					"write HOST[:PORT][/NAMESPACE]; registries on localhost, loopback and private addresses are reached over plain HTTP, others over HTTPS"}
			}
			if opts.to != "" && !slices.Contains(config.Engines, opts.to) && !isRegistry(opts.to) {
				return usageErrorf("--to %q is neither an engine (%s) nor a registry host", opts.to, strings.Join(config.Engines, ", "))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLoad(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.input, "input", "", "archive to read (or give it as the argument)")
	f.StringVar(&opts.to, "to", "", "where to put the images: auto, docker, embedded or a registry (default: engine from dockyard.yaml, else auto)")
	f.IntVarP(&opts.jobs, "jobs", "j", 0, jobsHelp+", into a registry")
	return cmd
}

func runLoad(ctx context.Context, opts *loadOptions) error {
	start := time.Now()
	cfg, err := opts.loadConfig()
	if err != nil {
		return err
	}
	a, err := archive.Read(opts.input)
	if err != nil {
		return &usageError{err}
	}
	defer a.Close()
	to := opts.to
	if to == "" {
		to = cfg.Engine
	}
	var refs int
	if slices.Contains(config.Engines, to) {
		refs, to, err = loadIntoEngine(ctx, opts, to, a.Entries)
	} else {
		refs, err = loadIntoRegistry(ctx, opts, cfg, to, a.Entries)
	}
	if err != nil {
		return shipError(ctx, err)
	}
	fmt.Fprintf(opts.stderr, "loaded %d %s (%d %s) from %s into %s in %.1fs\n", len(a.Entries), plural(len(a.Entries), "image"),
		refs, plural(refs, "reference"), opts.input, to, time.Since(start).Seconds())
	return nil
}

// isRegistry reports whether s is HOST[:PORT][/NAMESPACE], a host being
// what docker takes for one: a name with a "." or a port, or localhost.
func isRegistry(s string) bool {
	host, _, _ := strings.Cut(s, "/")
	if _, err := name.NewRegistry(host, name.StrictValidation); err != nil {
		return false
	}
	return strings.ContainsAny(host, ".:") || host == "localhost"
}

// loadIntoEngine loads each image under its first reference and gives it
// the others with a tag when the engine can (else by loading it again); it
// returns how many references it loaded and where they went.
func loadIntoEngine(ctx context.Context, opts *loadOptions, name string, entries []archive.Entry) (int, string, error) {
	eng, _, err := opts.openEngine(ctx, name)
	if err != nil {
		return 0, "", err
	}
	defer eng.Close()
	loader, ok := eng.(engine.Loader)
	if !ok {
		return 0, "", fmt.Errorf("the %s engine cannot load images into its store", eng.Name())
	}
	tagger, _ := eng.(engine.Tagger)
	n := 0
	for _, e := range entries {
		id, err := e.Image.ConfigName()
		if err != nil {
			return n, "", fmt.Errorf("reading %s: %w", e.Refs[0], err)
		}
		for i, r := range e.Refs {
			if i > 0 && tagger != nil {
				err = tagger.Tag(ctx, id.String(), []string{r})
			} else {
				err = loader.Load(ctx, r, e.Image)
			}
			if err != nil {
				return n, "", err
			}
			fmt.Fprintln(opts.stdout, r)
			n++
		}
	}
	return n, "the " + eng.Name() + " engine", nil
}

// loadIntoRegistry pushes each image under its references moved to the
// registry.
func loadIntoRegistry(ctx context.Context, opts *loadOptions, cfg *config.Config, registry string, entries []archive.Entry) (int, error) {
	pusher, err := newPusher(cfg, func(host string, err error) { opts.notef("%s", retryNote(host, err)) })
	if err != nil {
		return 0, err
	}
	src := publish.ImageSet{}
	var jobs []publish.Job
	for _, e := range entries {
		j := publish.Job{Image: e.Refs[0]}
		for _, r := range e.Refs {
			j.Refs = append(j.Refs, publish.Rehome(r, registry))
		}
		src[j.Image] = e.Image
		jobs = append(jobs, j)
	}
	n := 0
	err = pusher.PushAll(ctx, src, jobs, defaultJobs(opts.jobs, cfg), func(p publish.Pushed) {
		fmt.Fprintln(opts.stdout, p)
		n++
	})
	return n, err
}
