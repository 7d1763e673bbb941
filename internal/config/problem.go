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
