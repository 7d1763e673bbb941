package progress

import "golang.org/x/term"

// isTerminal reports whether fd is a terminal that takes the live view's
// escape sequences.
func isTerminal(fd uintptr) bool {
	return term.IsTerminal(int(fd)) && vtConsole(fd)
}

// termWidth returns the terminal's columns, or 0 when it does not say.
func termWidth(fd uintptr) int {
	w, _, err := term.GetSize(int(fd))
	if err != nil {
		return 0
	}
	return w
}
