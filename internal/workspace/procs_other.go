//go:build !linux

package workspace

import "syscall"

// tieToDockyard does nothing here: the system has no parent-death signal.
func tieToDockyard(*syscall.SysProcAttr) {}

// endProcs does nothing here: the processes of a run's hooks cannot be
// told from others.
func endProcs(string) error { return nil }
