//go:build !unix && !windows

package workspace

import (
	"os"
	"os/exec"
)

// setGroup keeps exec's default: canceling kills the hook's process only.
func setGroup(*exec.Cmd) {}

func exitStatus(ps *os.ProcessState) int { return ps.ExitCode() }
