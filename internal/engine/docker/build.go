package docker

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/platform"
)

// Build builds req's image and returns its ID and size. The engine's
// output goes to logs as lines; canceling ctx stops the build.
func (e *Engine) Build(ctx context.Context, req engine.Request, logs io.Writer) (engine.Result, error) {
	res, err := e.build(ctx, req, logs)
	if err != nil {
		return engine.Result{}, e.stops.Failed(req, logs, err)
	}
	return res, nil
}

func (e *Engine) build(ctx context.Context, req engine.Request, logs io.Writer) (engine.Result, error) {
	opts, err := buildOptions(req)
	if err != nil {
		return engine.Result{}, err
	}
	if fi, err := os.Stat(req.ContextDir); err != nil || !fi.IsDir() {
		return engine.Result{}, fmt.Errorf("build context %s is not a directory", req.ContextDir)
	}
	if opts.Version, err = e.builderFor(ctx); err != nil {
		return engine.Result{}, err
	}
	if req.Pull {
		if err := e.pullBases(ctx, req, logs); err != nil {
			return engine.Result{}, err
		}
	}
	run := e.runClassic
	if opts.Version == build.BuilderBuildKit {
		run = e.runBuildKit
	}
	id, err := run(ctx, req, opts, logs)
	if err != nil {
		return engine.Result{}, err
	}
	img, err := e.api.ImageInspect(ctx, id)
	if err != nil {
		return engine.Result{}, fmt.Errorf("inspecting the built image %s: %w", id, err)
	}
	return engine.Result{ID: img.ID, Size: img.Size}, nil
}

// runClassic runs a classic build, which gets the context as a tar.
func (e *Engine) runClassic(ctx context.Context, req engine.Request, opts client.ImageBuildOptions, logs io.Writer) (string, error) {
	body, dockerfile, err := contextTar(req)
	if err != nil {
		return "", err
	}
	defer body.Close()
	opts.Dockerfile = dockerfile
	if opts.AuthConfigs, err = authConfigs(req); err != nil {
		return "", err
	}
	return e.run(ctx, body, opts, logs)
}

// run sends the build and reads its output; it returns the image's ID.
// Canceling ctx stops the build and waits, at most the engine's stop
// timeout, for the engine to confirm that it ended (see stop).
func (e *Engine) run(ctx context.Context, body io.Reader, opts client.ImageBuildOptions, logs io.Writer) (string, error) {
	if ctx.Err() != nil {
		return "", context.Cause(ctx)
	}
	s, reqCtx := e.watch(ctx, opts.BuildID)
	resp, err := e.api.ImageBuild(reqCtx, body, opts)
	if err != nil {
		// The engine refused the build, or never had all of the request.
		s.end()
		if ctx.Err() != nil {
			return "", s.confirm(ctx, nil)
		}
		return "", fmt.Errorf("starting the build: %w", err)
	}
	out := newOutput(logs)
	// A halted build's answer goes on until the engine stopped the build.
	err = out.read(resp.Body)
	s.end()
	resp.Body.Close()
	if ctx.Err() != nil {
		return "", s.confirm(ctx, out)
	}
	if err != nil {
		return "", err
	}
	switch {
	case out.id != "":
		return out.id, nil
	case len(opts.Tags) > 0:
		return opts.Tags[0], nil
	default:
		return "", fmt.Errorf("the engine did not report the built image's ID")
	}
}

// buildOptions translates req, except for the context and the builder.
func buildOptions(req engine.Request) (client.ImageBuildOptions, error) {
	opts := client.ImageBuildOptions{
		Tags:        req.Tags,
		Target:      req.Target,
		Labels:      req.Labels,
		NoCache:     req.NoCache,
		Remove:      true,
		ForceRemove: true,
		BuildArgs:   make(map[string]*string, len(req.Args)),
	}
	for k, v := range req.Args {
		opts.BuildArgs[k] = &v
	}
	if req.Platform != "" {
		p, err := platform.Parse(req.Platform)
		if err != nil {
			return opts, err
		}
		opts.Platforms = []ocispec.Platform{p}
	}
	return opts, nil
}
