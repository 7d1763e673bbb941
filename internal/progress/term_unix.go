//go:build aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || zos

package progress

import "golang.org/x/sys/unix"

// isTerminal reports whether fd is a terminal, as golang.org/x/term does.
func isTerminal(fd uintptr) bool {
	_, err := unix.IoctlGetTermios(int(fd), ioctlReadTermios)
	return err == nil
}

// termWidth returns the terminal's columns, or 0 when it does not say.
func termWidth(fd uintptr) int {
	ws, err := unix.IoctlGetWinsize(int(fd), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
