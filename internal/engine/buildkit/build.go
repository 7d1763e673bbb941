package buildkit

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/containerd/containerd/v2/core/content"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/exporter/containerimage/exptypes"
	"github.com/moby/buildkit/session"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sync/errgroup"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/bkprogress"
)

// The Dockerfile frontend; the session's directories are those of
// buildcontext.Locals.
const (
	frontend = "dockerfile.v0"
	// storeID names the image layout among the build's OCI stores.
	storeID = "dockyard"
)

// Build builds req's image on buildkitd, exports it into the image layout
// under req.Tags and returns its ID (the config digest) and size. The
// build's progress goes to logs as BuildKit's plain progress lines;
// canceling ctx cancels the build in buildkitd.
func (e *Engine) Build(ctx context.Context, req engine.Request, logs io.Writer) (engine.Result, error) {
	res, err := e.build(ctx, req, logs)
	if err != nil {
		return engine.Result{Attempts: res.Attempts}, fmt.Errorf("building %s: %w", req.Image, err)
	}
	return res, nil
}

func (e *Engine) build(ctx context.Context, req engine.Request, logs io.Writer) (engine.Result, error) {
	if !filepath.IsAbs(req.ContextDir) || !filepath.IsAbs(req.Dockerfile) {
		return engine.Result{}, fmt.Errorf("the context %s and the Dockerfile %s must be absolute paths", req.ContextDir, req.Dockerfile)
	}
	dockerfile, err := os.ReadFile(req.Dockerfile)
	if err != nil {
		return engine.Result{}, fmt.Errorf("reading the Dockerfile: %w", err)
	}
	rules, err := req.Rules()
	if err != nil {
		return engine.Result{}, err
	}
	mounts, filter, err := rules.Locals(req.ContextDir, req.Dockerfile)
	if err != nil {
		return engine.Result{}, err
	}
	attachables, err := sessionAttachables(dockerfile)
	if err != nil {
		return engine.Result{}, err
	}
	export, err := e.export(req)
	if err != nil {
		return engine.Result{}, err
	}
	opt := client.SolveOpt{
		Frontend:      frontend,
		FrontendAttrs: frontendAttrs(req),
		LocalMounts:   mounts,
		// The context's rules decide alone what it sends.
		LocalFilterOpt: filter,
		Session:        append(attachables, e.auth()),
		Exports:        []client.ExportEntry{export},
	}
	contexts, err := e.contexts(req, dockerfile)
	if err != nil {
		return engine.Result{}, err
	}
	for name, value := range contexts {
		opt.FrontendAttrs["context:"+name] = value
		if strings.HasPrefix(value, "oci-layout://") {
			opt.OCIStores = map[string]content.Store{storeID: e.store.content}
		}
	}
	e.applyCache(&opt, req.Image, req.Platform)

	resp, attempts, err := e.solve(ctx, req, opt, logs)
	if err != nil {
		return engine.Result{Attempts: attempts}, err
	}
	res, err := e.keep(ctx, resp.ExporterResponse, req.Tags)
	res.Attempts = attempts
	return res, err
}

// solve runs the build on a worker of the pool, and again on another when
// that worker is lost during it, up to maxAttempts times. Each attempt's
// worker and platform go to logs first and, of a pool, to the attempts.
func (e *Engine) solve(ctx context.Context, req engine.Request, opt client.SolveOpt, logs io.Writer) (*client.SolveResponse, []engine.Attempt, error) {
	var attempts []engine.Attempt
	for n := 1; ; n++ {
		w, err := e.pool.acquire(ctx, req.Platform)
		if err != nil {
			return nil, attempts, err
		}
		platform := cmp.Or(req.Platform, "default")
		if e.pool.pooled {
			fmt.Fprintf(logs, "#0 worker %s, platform %s, attempt %d\n", w.addr, platform, n)
			attempts = append(attempts, engine.Attempt{Worker: w.addr, Platform: req.Platform})
		}
		try, cancel := context.WithCancelCause(ctx)
		stop := func() {}
		if e.pool.pooled {
			stop = watch(try, w, cancel)
		}
		resp, err := solveOn(try, w.d, opt, logs)
		stop()
		cancel(nil)
		e.pool.release(w)
		if err != nil && e.pool.pooled {
			attempts[len(attempts)-1].Error = err.Error()
		}
		if err == nil || ctx.Err() != nil {
			return resp, attempts, err
		}
		if !e.pool.pooled || n >= maxAttempts || !e.pool.lost(ctx, w, err) {
			return nil, attempts, err
		}
		fmt.Fprintf(logs, "#0 worker %s lost: %v; building again on another worker\n", w.addr, err)
	}
}

// solveOn runs one build on d, its progress to logs.
func solveOn(ctx context.Context, d daemon, opt client.SolveOpt, logs io.Writer) (*client.SolveResponse, error) {
	status := make(chan *client.SolveStatus)
	tr := bkprogress.New(logs)
	var resp *client.SolveResponse
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		resp, err = d.Solve(gctx, nil, opt, status)
		return err
	})
	g.Go(func() error {
		for s := range status {
			if sw, ok := logs.(engine.StatusWriter); ok {
				for _, resp := range s.Marshal() {
					if raw, err := protojson.Marshal(resp); err == nil {
						sw.WriteStatus(raw)
					}
				}
			}
			tr.Write(s)
		}
		return nil
	})
	err := g.Wait()
	tr.Close()
	if err != nil {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, failure(tr, err)
	}
	return resp, nil
}

// failure turns the solve's error into a StepError naming the failed
// step, with its last output lines, when a step failed.
func failure(tr *bkprogress.Trace, err error) error {
	msg := strings.TrimPrefix(err.Error(), "failed to solve: ")
	if se, ok := tr.Failed(msg); ok {
		return se
	}
	return fmt.Errorf("buildkitd: %s", msg)
}

// keep records the exported image in the layout's index under tags.
func (e *Engine) keep(ctx context.Context, resp map[string]string, tags []string) (engine.Result, error) {
	raw, err := base64.StdEncoding.DecodeString(resp[exptypes.ExporterImageDescriptorKey])
	var desc ocispecs.Descriptor
	if err == nil {
		err = json.Unmarshal(raw, &desc)
	}
	config := resp[exptypes.ExporterImageConfigDigestKey]
	if err != nil || desc.Digest == "" || config == "" {
		return engine.Result{}, errors.New("buildkitd's exporter did not say which image it wrote")
	}
	desc.Annotations = map[string]string{annotationConfig: config, annotationRemote: e.remoteOf(desc, tags)}
	if err := e.store.put(desc, desc.Annotations, tags); err != nil {
		return engine.Result{}, err
	}
	size, err := e.size(ctx, desc)
	if err != nil {
		return engine.Result{}, err
	}
	return engine.Result{ID: config, Size: size}, nil
}

// frontendAttrs are the Dockerfile frontend's options for req.
func frontendAttrs(req engine.Request) map[string]string {
	attrs := map[string]string{"filename": filepath.Base(req.Dockerfile)}
	if req.Target != "" {
		attrs["target"] = req.Target
	}
	if req.Platform != "" {
		attrs["platform"] = req.Platform
	}
	if req.NoCache {
		attrs["no-cache"] = ""
	}
	if req.Pull {
		// The pins' named contexts are OCI layouts: the mode leaves them be.
		attrs["image-resolve-mode"] = "pull"
	}
	for k, v := range req.Args {
		attrs["build-arg:"+k] = v
	}
	for k, v := range req.Labels {
		attrs["label:"+k] = v
	}
	return attrs
}

// sessionAttachables are what the build's session offers besides files:
// the secrets and the SSH agent the Dockerfile mounts.
func sessionAttachables(dockerfile []byte) ([]session.Attachable, error) {
	m := scanMounts(dockerfile)
	var out []session.Attachable
	if m.secrets {
		out = append(out, envSecrets())
	}
	if len(m.ssh) > 0 {
		a, err := sshAgent(m.ssh)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}
