package cli

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dockyard-build/dockyard/internal/inputs"
	"github.com/dockyard-build/dockyard/internal/progress"
	"github.com/dockyard-build/dockyard/internal/publish"
)

// printError prints the error that ends the command: each line prefixed
// "dockyard: " and its hint, or one JSON event when the command's progress
// is json, so that such a run writes nothing but JSON.
func (g *globals) printError(err error, code int) {
	var hint string
	if h, ok := errors.AsType[*hintError](err); ok {
		hint = h.hint
	}
	if g.jsonProgress {
		_ = progress.WriteError(g.stderr, time.Now(), err.Error(), hint, code)
		return
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(g.stderr, "dockyard: %s\n", line)
	}
	if hint != "" {
		fmt.Fprintf(g.stderr, "hint: %s\n", hint)
	}
	if f, ok := errors.AsType[*failedError](err); ok && f.err != nil {
		for _, line := range strings.Split(f.err.Error(), "\n") {
			g.debugf("%s", line)
		}
	}
}

// debugf prints, with -v, a line on how dockyard decided.
func (g *globals) debugf(format string, args ...any) {
	if g.debug {
		g.notef("debug: "+format, args...)
	}
}

// notef prints a note of dockyard's own on stderr before any progress
// view exists: text, or a JSON message in the json mode.
func (g *globals) notef(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	if g.jsonProgress {
		_ = progress.WriteMessage(g.stderr, time.Now(), line)
		return
	}
	fmt.Fprintln(g.stderr, line)
}

// usageError marks a problem with the user's input: flags, configuration,
// project layout. It exits with exitUsage.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// usageArgs makes a command's argument check fail with a usage error.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &usageError{err}
		}
		return nil
	}
}

// hintError carries advice printed after the error.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

func exitCode(ctx context.Context, err error) int {
	var u *usageError
	var dc *publish.DockerConfigError
	var ig *inputs.IgnoreFileError
	switch {
	case ctx.Err() != nil:
		return exitInterrupted
	case errors.As(err, &u), errors.As(err, &dc), errors.As(err, &ig):
		return exitUsage
	}
	return exitFailure
}

// unknownCommandRE matches cobra's error for a word that names no command.
var unknownCommandRE = regexp.MustCompile(`^unknown command "([^"]*)" for "([^"]*)"`)

// cobraError rewrites cobra's own errors as dockyard's: one line, a "did
// you mean" from the commands there are, a hint, and exit 2.
func cobraError(root *cobra.Command, err error) error {
	m := unknownCommandRE.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	parent, _, _ := root.Find(strings.Fields(m[2])[1:])
	if parent == nil {
		parent = root
	}
	msg := fmt.Sprintf("unknown command %q for %q", m[1], m[2])
	if s := parent.SuggestionsFor(m[1]); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %q?)", s[0])
	}
	if !parent.HasAvailableSubCommands() {
		return &hintError{usageErrorf("%s", msg), fmt.Sprintf("%s takes no arguments; see '%s --help'", m[2], m[2])}
	}
	return &hintError{usageErrorf("%s", msg), fmt.Sprintf("see '%s --help' for the commands", m[2])}
}
