//go:build !unix && !windows

package workspace

import (
	"io/fs"
	"os"
	"os/exec"
)

// setGroup keeps exec's default: canceling kills the hook's process only.
func setGroup(*exec.Cmd) {}

func exitStatus(ps *os.ProcessState) int { return ps.ExitCode() }

func fileID(fs.FileInfo) string { return "" }
