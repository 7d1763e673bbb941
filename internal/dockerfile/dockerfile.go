// Package dockerfile reads the parts of a Dockerfile that decide build order:
// its stages, the images they start FROM and the images they COPY --from.
//
// Parsing is BuildKit's (frontend/dockerfile/parser and instructions) and ARG
// expansion is BuildKit's shell lexer, applied the way BuildKit applies it, so
// dockyard sees the same references a build would.
package dockerfile

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// File is a parsed Dockerfile.
type File struct {
	// Stages are the build stages in Dockerfile order; with a target, only
	// the target and the stages it needs.
	Stages []Stage
	// Args are the global ARG defaults (ARG before the first FROM) as
	// declared, unexpanded; an ARG without a default maps to "". Never nil.
	Args map[string]string
	// StageArgs are the names of the ARGs declared inside stages.
	StageArgs map[string]bool
}

// Declares reports whether the Dockerfile declares the build arg name, before
// the first FROM or in any stage, so that passing it has an effect.
func (f *File) Declares(name string) bool {
	_, global := f.Args[name]
	return global || f.StageArgs[name]
}

// Stage is one FROM and what it copies from elsewhere.
type Stage struct {
	Name     string // the AS name, lower-cased; "" when unnamed
	Index    int    // position in the Dockerfile, from 0
	Base     string // the FROM reference after ARG expansion
	BaseRaw  string // the FROM reference as written
	Platform string // FROM --platform after expansion, "" when absent
	Line     int    // line of the FROM
	EndLine  int    // last line of the FROM, with continuations
	CopyFrom []Ref  // COPY --from values, with their lines
	// MountFrom are RUN --mount from= values, with their lines. Like
	// COPY --from they name a stage or an image the stage needs.
	MountFrom []Ref
}

// Ref is a stage name, stage index or image reference and the lines of the
// instruction naming it.
type Ref struct {
	Name    string
	Line    int
	EndLine int
}

// Error is a problem at a place in a Dockerfile.
type Error struct {
	File string // repo-relative path
	Line int    // 1-based; 0 when the problem has no single line
	Msg  string
}

// Error returns "file:line: message", or "file: message" without a line.
func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Parse reads a Dockerfile. name is used in errors (a repo-relative path).
// args are build args that override the global ARG defaults when expanding
// FROM and FROM --platform; as in BuildKit, only ARGs declared before the
// first FROM and the automatic platform args (BUILDPLATFORM, TARGETARCH, ...)
// are visible there. An automatic platform arg that args does not set stays
// as a literal "${NAME}", since the platform is only known at build time.
//
// target, when not empty, must name a stage (case-insensitive); then only
// the stages the target needs, through FROM <stage>, COPY --from=<stage> and
// RUN --mount=from=<stage>, are kept in File.Stages.
//
// Every problem is an *Error.
func Parse(name string, data []byte, args map[string]string, target string) (*File, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Msg: "empty Dockerfile"}
	}
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, locate(name, err)
	}
	// A linter without Warn reports nothing; BuildKit's own callers never pass nil.
	stages, metaArgs, err := instructions.Parse(res.AST, linter.New(&linter.Config{}))
	if err != nil {
		return nil, locate(name, err)
	}
	if len(stages) == 0 {
		return nil, &Error{File: name, Msg: "no FROM instruction"}
	}

	lex := shell.NewLex(res.EscapeToken)
	env, declared, err := globalArgs(lex, metaArgs, args)
	if err != nil {
		return nil, locate(name, err)
	}
	f := &File{Args: declared, StageArgs: map[string]bool{}}
	for i, st := range stages {
		for _, cmd := range st.Commands {
			if a, ok := cmd.(*instructions.ArgCommand); ok {
				for _, kv := range a.Args {
					f.StageArgs[kv.Key] = true
				}
			}
		}
		s, err := newStage(lex, env, declared, i, st)
		if err != nil {
			return nil, locate(name, err)
		}
		f.Stages = append(f.Stages, s)
	}

	deps, err := dependencies(f.Stages)
	if err != nil {
		return nil, locate(name, err)
	}
	if target != "" {
		t, ok := findStage(f.Stages, target)
		if !ok {
			return nil, &Error{File: name, Msg: fmt.Sprintf("target stage %q not found%s", target, stageList(f.Stages))}
		}
		f.Stages = needed(f.Stages, deps, t)
	}
	return f, nil
}

// locate turns an error carrying a BuildKit location, or an *Error without
// a file, into an *Error in file name.
func locate(name string, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return &Error{File: name, Line: e.Line, Msg: e.Msg}
	}
	e = &Error{File: name, Msg: err.Error()}
	var le *parser.LocationError
	if errors.As(err, &le) {
		e.Msg = le.Unwrap().Error()
		if len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
			e.Line = le.Locations[0][0].Start.Line
		}
	}
	return e
}

// at gives err the location of an instruction.
func at(loc []parser.Range, format string, a ...any) error {
	return parser.WithLocation(fmt.Errorf(format, a...), loc)
}

// findStage returns the index of the last stage called name, as BuildKit
// resolves names.
func findStage(stages []Stage, name string) (int, bool) {
	name = strings.ToLower(name)
	for i := len(stages) - 1; i >= 0; i-- {
		if stages[i].Name == name {
			return i, true
		}
	}
	return 0, false
}

// stageList lists the named stages for a "not found" message.
func stageList(stages []Stage) string {
	var names []string
	for _, s := range stages {
		if s.Name != "" {
			names = append(names, s.Name)
		}
	}
	if len(names) == 0 {
		return "; the Dockerfile has no named stages"
	}
	return "; stages: " + strings.Join(names, ", ")
}
