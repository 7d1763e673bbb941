//go:build !(aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || zos || windows)

package progress

// isTerminal reports false: Auto picks plain output here.
func isTerminal(uintptr) bool { return false }

// termWidth returns 0: the default width applies.
func termWidth(uintptr) int { return 0 }
