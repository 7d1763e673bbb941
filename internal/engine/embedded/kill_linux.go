package embedded

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// killRounds bounds how often killDescendants looks again for processes
// forked while it was killing.
const killRounds = 20

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
		if err1 == nil && err2 == nil && string(fields[0]) != "Z" {
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
// its process group or session, until none is left.
func killDescendants(pid int) {
	for range killRounds {
		pids := descendants(pid)
		if len(pids) == 0 {
			return
		}
		for _, p := range pids {
			syscall.Kill(p, syscall.SIGKILL)
		}
	}
}

// killWorker stops a worker and everything under it: it freezes the
// worker's process group so that nothing forks or reacts, kills the
// processes under the worker (which, as a subreaper, also holds the
// orphans of RUN steps), then the worker.
func killWorker(pid int) {
	syscall.Kill(-pid, syscall.SIGSTOP)
	killDescendants(pid)
	syscall.Kill(-pid, syscall.SIGKILL)
	syscall.Kill(pid, syscall.SIGKILL)
}
