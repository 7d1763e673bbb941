package progress

import "golang.org/x/sys/windows"

// vtConsole reports whether the console at fd interprets ANSI escape
// sequences; a classic console without them gets plain output, where
// golang.org/x/term would call it a terminal all the same.
func vtConsole(fd uintptr) bool {
	var mode uint32
	err := windows.GetConsoleMode(windows.Handle(fd), &mode)
	return err == nil && mode&windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0
}
