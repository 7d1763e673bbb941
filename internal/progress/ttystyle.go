package progress

import (
	"fmt"
	"os"
	"slices"
	"strings"
)

// Escape sequences of the live view.
const (
	hideCursor = "\x1b[?25l"
	showCursor = "\x1b[?25h"
	red        = "\x1b[31m"
	green      = "\x1b[32m"
	reset      = "\x1b[0m"
)

// colorWanted reports whether a terminal's view may use colour: not when
// NO_COLOR is set to anything (no-color.org).
func colorWanted() bool {
	return os.Getenv("NO_COLOR") == ""
}

// paint colours s when the view uses colour and color is not "".
func (r *ttyRenderer) paint(color, s string) string {
	if !r.color || color == "" {
		return s
	}
	return color + s + reset
}

// summaryColor is red for a run with a failure, else green.
func summaryColor(s *Summary) string {
	if s.Failed > 0 {
		return red
	}
	return green
}

// waitingLine names the waiting images with what each waits for:
// "  waiting: web (for base), api (for a slot)"; "" when none waits.
func (r *ttyRenderer) waitingLine() string {
	if len(r.waiting) == 0 {
		return ""
	}
	names := make([]string, 0, len(r.waiting))
	for n := range r.waiting {
		if r.steps[n] == nil {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return ""
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n
		if deps := r.pendingDeps(n); len(deps) > 0 {
			parts[i] += fmt.Sprintf(" (for %s)", strings.Join(deps, ", "))
		} else {
			parts[i] += " (for a slot)"
		}
	}
	return "  waiting: " + strings.Join(parts, ", ")
}

// pendingDeps are the tasks n waits for that have not finished yet.
func (r *ttyRenderer) pendingDeps(n string) []string {
	var out []string
	for _, d := range r.waiting[n] {
		if _, waits := r.waiting[d]; waits || r.find(d) >= 0 {
			out = append(out, r.label(d))
		}
	}
	return out
}

// label is how the view names a task: an image by its name, a step as
// "component what" ("web build-pre.sh").
func (r *ttyRenderer) label(task string) string {
	if s := r.steps[task]; s != nil {
		return s.Component + " " + s.What
	}
	return task
}

// header counts the images, not the steps: "building: 2 running, 5 done,
// 3 waiting", and the steps that run.
func (r *ttyRenderer) header() string {
	images, steps, waiting := 0, 0, 0
	for _, l := range r.running {
		if r.steps[l.name] != nil {
			steps++
		} else {
			images++
		}
	}
	for n := range r.waiting {
		if r.steps[n] == nil {
			waiting++
		}
	}
	h := fmt.Sprintf("building: %d running, %d done, %d waiting", images, r.done, waiting)
	if steps > 0 {
		h += fmt.Sprintf("; %d %s running", steps, plural(steps, "step"))
	}
	return h
}
