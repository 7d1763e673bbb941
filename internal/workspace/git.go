package workspace

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
)

// gitTracks returns a *changedError when git tracks p, or files inside it,
// in the repository the root lies in, or cannot tell: dockyard removes no
// such path, whatever the journal says. Without git, or outside a git
// work tree, git tracks nothing. The repository's configuration runs no
// program (core.fsmonitor is off) and its owner does not matter: only
// the index is read.
func (w *Workspace) gitTracks(p string) error {
	if under(p, stateDir) {
		return nil
	}
	cmd := exec.Command("git", "-c", "core.fsmonitor=false", "-c", "safe.directory=*",
		"-C", w.dir, "ls-files", "-z", "--", ":(literal)"+p)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return nil
	case err != nil && strings.Contains(stderr.String(), "not a git repository"):
		return nil
	case err != nil:
		msg, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
		if msg == "" {
			msg = err.Error()
		}
		return &changedError{Path: p, Why: "may hold files git tracks (git ls-files: " + msg + ")"}
	case len(out) > 0:
		return &changedError{Path: p, Why: "holds files git tracks"}
	}
	return nil
}
