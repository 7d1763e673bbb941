package progress

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Failure is what a failed task leaves to read.
type Failure struct {
	// Task is the task that failed.
	Task string `json:"task"`
	// Step is the build step that failed, when the engine says which.
	Step string `json:"step,omitempty"`
	// Error is the error's first line.
	Error string `json:"error"`
	// Lines are the step's last lines of output, or the task's.
	Lines []string `json:"lines,omitempty"`
	// Log is the absolute path of the task's whole log.
	Log string `json:"log,omitempty"`
}

// text is the failure's block for people, after a blank line:
//
//	web failed at [2/2] RUN make
//	  | cc: error: no input files
//	  error: exit code: 2
//	  full log: .dockyard/logs/web.log
func (f *Failure) text() string {
	var b strings.Builder
	b.WriteString("\n" + f.Task + " failed")
	if f.Step != "" {
		b.WriteString(" at " + f.Step)
	}
	b.WriteByte('\n')
	for _, l := range f.Lines {
		fmt.Fprintf(&b, "  | %s\n", cleanLine(l))
	}
	fmt.Fprintf(&b, "  error: %s\n", f.Error)
	if f.Log != "" {
		fmt.Fprintf(&b, "  full log: %s\n", displayPath(f.Log))
	}
	return b.String()
}

// displayPath is path relative to the current folder when it is below it,
// as people type it; else path as it is.
func displayPath(path string) string {
	wd, err := os.Getwd()
	if err != nil || !filepath.IsAbs(path) {
		return path
	}
	rel, err := filepath.Rel(wd, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	return rel
}
