package config

import (
	"errors"
	"fmt"
)

// Problem is something wrong at a place in a file.
type Problem struct {
	File string // path as the user should read it
	Line int    // 0 when the problem is about the whole file
	Msg  string
}

func (p *Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// problems collects every problem of a file so that all are reported at once.
type problems []error

func (ps *problems) add(file string, line int, format string, args ...any) {
	*ps = append(*ps, &Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (ps problems) err() error { return errors.Join(ps...) }

// firstPerLine joins the problems of the groups errs, in order, leaving
// out those of a group at a line an earlier group has a problem at: a key
// that is unknown, of the wrong type or not interpolated is reported
// once, not again by the checks of its value.
func firstPerLine(errs ...error) error {
	type place struct {
		file string
		line int
	}
	seen := map[place]bool{}
	var out []error
	for _, group := range errs {
		var lines []place
		for _, e := range flatten(group) {
			if p, ok := e.(*Problem); ok && p.Line > 0 {
				if seen[place{p.File, p.Line}] {
					continue
				}
				lines = append(lines, place{p.File, p.Line})
			}
			out = append(out, e)
		}
		for _, l := range lines {
			seen[l] = true
		}
	}
	return errors.Join(out...)
}

// flatten lists the errors err joins, or err alone.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	if err == nil {
		return nil
	}
	return []error{err}
}
