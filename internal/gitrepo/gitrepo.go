// Package gitrepo runs the few git commands dockyard needs, all one way:
// bound to the caller's context, in the C locale, with the repository's
// own configuration unable to start a program (core.fsmonitor is off) and
// its folder's owner not mattering (safe.directory): dockyard only reads.
package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Error is a git command that failed: its subcommand and the first line
// it wrote to stderr.
type Error struct {
	Command string
	Stderr  string
	Err     error
}

func (e *Error) Error() string {
	msg := e.Stderr
	if msg == "" {
		msg = e.Err.Error()
	}
	return fmt.Sprintf("git %s: %s", e.Command, msg)
}

func (e *Error) Unwrap() error { return e.Err }

// NotARepository reports whether err says that the folder is in no git
// work tree, or that git is not installed.
func NotARepository(err error) bool {
	var ge *Error
	return errors.Is(err, exec.ErrNotFound) || errors.As(err, &ge) && strings.Contains(ge.Stderr, "not a git repository")
}

// Run runs git with args in dir and returns its standard output.
func Run(ctx context.Context, dir string, args ...string) ([]byte, error) {
	full := append([]string{"-c", "core.fsmonitor=false", "-c", "safe.directory=*", "-C", dir}, args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		first, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
		return nil, &Error{Command: args[0], Stderr: first, Err: err}
	}
	return out, nil
}

// Head returns the commit HEAD names in dir, whole.
func Head(ctx context.Context, dir string) (string, error) {
	out, err := Run(ctx, dir, "rev-parse", "HEAD")
	return strings.TrimSpace(string(out)), err
}

// Describe returns HEAD's short commit, with "-dirty" when tracked files
// have changes (as git describe --dirty says; untracked files do not
// count, so dockyard's own .dockyard/ never makes a tree dirty).
func Describe(ctx context.Context, dir string) (string, error) {
	out, err := Run(ctx, dir, "rev-parse", "--short", "HEAD")
	if err != nil {
		return "", errors.New("not a git work tree with a commit")
	}
	sha := strings.TrimSpace(string(out))
	status, err := Run(ctx, dir, "status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return "", err
	}
	if len(bytes.TrimSpace(status)) > 0 {
		sha += "-dirty"
	}
	return sha, nil
}
