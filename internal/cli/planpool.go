package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dockyard-build/dockyard/internal/engine/buildkit"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/platform"
)

// defaultPlatform is how the pool names the platform of an image that
// sets none: any worker builds it, for its own platform.
const defaultPlatform = "default"

// planPool says on stderr, a line per worker, which workers of the pool
// answer and what they build, and puts the pool in the plan: its workers,
// and for each build, the workers that could take it (the one, when
// only one can). Which of several takes it depends on their loads when
// the build starts.
func (g *globals) planPool(ctx context.Context, pl *plan.Plan) {
	pl.Workers = nil
	for _, w := range g.workers {
		pw := plan.Worker{Address: w.Address, Enabled: w.On()}
		state := "disabled"
		if w.On() {
			bw := poolWorker(w.Resolved(g.dir))
			pw.MaxBuilds = bw.MaxBuilds
			list, err := buildkit.Probe(ctx, bw)
			if err != nil {
				state, pw.Error = "does not answer: "+err.Error(), err.Error()
			} else {
				state = fmt.Sprintf("answers; builds %s, %d at once", strings.Join(list, ", "), bw.MaxBuilds)
				pw.Answers = true
				for _, p := range list {
					pw.Platforms = append(pw.Platforms, platform.Normalize(p))
				}
			}
		}
		fmt.Fprintf(g.stderr, "worker %s: %s\n", w.Address, state)
		pl.Workers = append(pl.Workers, pw)
	}
	for i := range pl.Images {
		im := &pl.Images[i]
		if len(im.Builds) == 0 {
			for _, p := range platformsOr(im.Platforms) {
				im.Builds = append(im.Builds, plan.Build{Platform: p, Status: im.Status, Reason: im.Reason, Key: im.Key})
			}
		}
		for j := range im.Builds {
			b := &im.Builds[j]
			if b.Status == plan.StatusUpToDate {
				continue
			}
			b.Workers = takers(pl.Workers, b.Platform)
			if len(b.Workers) == 1 {
				b.Worker = b.Workers[0]
			}
		}
	}
}

// platformsOr is an image's platforms, else the pool's default one.
func platformsOr(platforms []string) []string {
	if len(platforms) == 0 {
		return []string{defaultPlatform}
	}
	return platforms
}

// takers are the workers that answer and build plat, in the order the
// pool prefers them when their loads are equal.
func takers(workers []plan.Worker, plat string) []string {
	var out []string
	for _, w := range workers {
		if w.Answers && (plat == defaultPlatform || slices.Contains(w.Platforms, platform.Normalize(plat))) {
			out = append(out, w.Address)
		}
	}
	return out
}
