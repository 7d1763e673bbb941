package cli

import (
	"context"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/docker"
	"github.com/dockyard-build/dockyard/internal/state"
)

// listEarly starts, before the project loads, the Docker engine's list of
// this checkout's images: the longest wait of a no-op plan, since the
// engine reads every image it holds to answer. It starts only when the
// repository has Docker builds on record, and .dockyard is a folder of the
// repository; what it returns waits for the list and says whether there
// is one. predict uses it when the plan's engine is the Docker engine,
// which is the same one (dockerTarget).
func (g *globals) listEarly(ctx context.Context) func() ([]engine.ImageInfo, bool) {
	if g.resolveRoot() != nil || checkDotDir(g.dir) != nil {
		return nil
	}
	dir := g.dir
	var list []engine.ImageInfo
	var ok bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		// A damaged state database is repaired, with a warning, once the
		// project is loaded; reading it here must not end the run first.
		defer func() { _ = recover() }()
		checkout, err := state.Open(dir, "docker").Checkout(false)
		if err != nil || checkout == "" {
			return
		}
		// The engine the plan's would be: dockerTarget points the client
		// at it, once for the process.
		if _, err := dockerTarget(); err != nil {
			return
		}
		e, err := docker.New(ctx)
		if err != nil {
			return
		}
		defer e.Close()
		list, err = e.List(ctx, engine.LabelRepository+"="+checkout)
		ok = err == nil
	}()
	return func() ([]engine.ImageInfo, bool) {
		<-done
		return list, ok
	}
}
