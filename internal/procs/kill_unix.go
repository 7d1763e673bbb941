//go:build unix

package procs

import (
	"syscall"
	"time"
)

// Kill ends the processes find lists, as long as goOn says to try again:
// it stops them all before it kills any, so that none forks in between,
// then looks again for those forked meanwhile. It reports whether find
// came back empty; find must not list this process.
func Kill(find func() []int, goOn func() bool) bool {
	for goOn() {
		pids := find()
		if len(pids) == 0 {
			return true
		}
		for _, p := range pids {
			syscall.Kill(p, syscall.SIGSTOP)
		}
		for _, p := range pids {
			syscall.Kill(p, syscall.SIGKILL)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}
