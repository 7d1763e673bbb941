package embedded

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// killPoll is how long killDescendants lets killed processes die before it
// looks again.
const killPoll = 10 * time.Millisecond

// killAllFor bounds how long a dying worker, or clean, keeps killing what
// runs under it or in a leftover container.
const killAllFor = 5 * time.Second

// descendants returns the live processes under pid, read from /proc;
// zombies, already dead, are left out.
func descendants(pid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	children := map[int][]int{}
	for _, path := range stats {
		data, err := os.ReadFile(path)
		if err != nil {
			continue // it exited
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(data, ')')
		if i < 0 {
			continue
		}
		fields := bytes.Fields(data[i+1:])
		if len(fields) < 2 {
			continue
		}
		child, err1 := strconv.Atoi(filepath.Base(filepath.Dir(path)))
		parent, err2 := strconv.Atoi(string(fields[1]))
		if state := string(fields[0]); err1 == nil && err2 == nil && state != "Z" && state != "X" {
			children[parent] = append(children[parent], child)
		}
	}
	var out []int
	queue := children[pid]
	for len(queue) > 0 {
		p := queue[0]
		queue = append(queue[1:], children[p]...)
		out = append(out, p)
	}
	return out
}

// killDescendants kills every process under pid, including those that left
// its process group or session, and waits until all of them are dead,
// killing those forked meanwhile, until deadline. It returns the processes
// still alive then. The dead stay zombies until their parent reaps them,
// which holds nothing but their exit status.
func killDescendants(pid int, deadline time.Time) []int {
	for {
		pids := descendants(pid)
		if len(pids) == 0 || time.Now().After(deadline) {
			return pids
		}
		for _, p := range pids {
			syscall.Kill(p, syscall.SIGKILL)
		}
		time.Sleep(killPoll)
	}
}

// killWorker stops a worker and everything under it, and waits until all
// of it is dead, at most until deadline: it freezes the worker's process
// group so that nothing forks or reacts, kills the processes under the
// worker (which, as a subreaper, also holds the orphans of RUN steps)
// until none is alive, then the worker, and waits for it to exit. It
// returns an error naming what may still run at deadline.
func killWorker(pid int, exited <-chan struct{}, deadline time.Time) error {
	syscall.Kill(-pid, syscall.SIGSTOP)
	alive := killDescendants(pid, deadline)
	syscall.Kill(-pid, syscall.SIGKILL)
	syscall.Kill(pid, syscall.SIGKILL)
	if len(alive) > 0 {
		return fmt.Errorf("processes %v of the build did not die", alive)
	}
	select {
	case <-exited:
		return nil
	case <-time.After(time.Until(deadline)):
		return fmt.Errorf("the build worker (pid %d) did not die", pid)
	}
}
