package run

import (
	"context"
	"runtime"
)

// hookJobs is how many hooks run at once: no more than the run's jobs,
// nor than the machine's CPUs plus one. Hooks run here, whatever engine
// builds the images, so a -j sized for a pool of BuildKit workers does not
// start a dozen maven builds on a laptop.
func hookJobs(jobs int) int {
	limit := runtime.NumCPU() + 1
	if jobs > 0 {
		limit = min(limit, jobs)
	}
	return limit
}

// hookSlot waits for a hook's turn and returns the function that ends it.
// A runner that was not started limits nothing.
func (r *Runner) hookSlot(ctx context.Context) (func(), error) {
	if r.hookSlots == nil {
		return func() {}, nil
	}
	select {
	case r.hookSlots <- struct{}{}:
		return func() { <-r.hookSlots }, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}
