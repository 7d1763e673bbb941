package workspace

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/dockyard-build/dockyard/internal/procs"
)

// tieToDockyard has the kernel kill a hook when dockyard dies, even by
// SIGKILL: the parent-death signal. The kernel sends it when the thread
// that started the hook ends, so RunHook keeps that thread to itself.
func tieToDockyard(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }

// endProcs kills every process whose environment carries the token, until
// none is left: it stops them all before it kills them, and looks again
// for those forked meanwhile. Processes of other users, whose environment
// cannot be read, are never touched.
func endProcs(token string) error {
	want := []byte(runEnv + "=" + token)
	rounds := 0
	more := func() bool { rounds++; return rounds <= killRounds }
	if procs.Kill(func() []int { return marked(want) }, more) {
		return nil
	}
	return fmt.Errorf("processes of the hooks of an earlier run still start after %d rounds of killing them", killRounds)
}

// marked lists the live processes, other than this one, whose environment
// holds the entry want. A process that has ended shows an empty one.
func marked(want []byte) []int {
	envs, _ := filepath.Glob("/proc/[0-9]*/environ")
	self := os.Getpid()
	var pids []int
	for _, name := range envs {
		pid, err := strconv.Atoi(filepath.Base(filepath.Dir(name)))
		if err != nil || pid == self {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		for _, kv := range bytes.Split(data, []byte{0}) {
			if bytes.Equal(kv, want) {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}
