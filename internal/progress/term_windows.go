package progress

import "golang.org/x/sys/windows"

// isTerminal reports whether fd is a console that already interprets ANSI
// escape sequences; a classic console without them gets plain output.
func isTerminal(fd uintptr) bool {
	var mode uint32
	err := windows.GetConsoleMode(windows.Handle(fd), &mode)
	return err == nil && mode&windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0
}

// termWidth returns the console's columns, or 0 when it does not say.
func termWidth(fd uintptr) int {
	var info windows.ConsoleScreenBufferInfo
	if err := windows.GetConsoleScreenBufferInfo(windows.Handle(fd), &info); err != nil {
		return 0
	}
	return int(info.Window.Right - info.Window.Left + 1)
}
