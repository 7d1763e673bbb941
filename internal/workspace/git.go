package workspace

import (
	"cmp"
	"context"
	"errors"

	"github.com/dockyard-build/dockyard/internal/gitrepo"
)

// gitTracks returns a *changedError when git tracks p, or files inside it,
// in the repository the root lies in, or cannot tell: dockyard removes no
// such path, whatever the journal says. Without git, or outside a git
// work tree, git tracks nothing. The repository's configuration runs no
// program and its owner does not matter (see gitrepo): only the index is
// read.
func (w *Workspace) gitTracks(p string) error {
	if under(p, stateDir) {
		return nil
	}
	// Not the run's context: a cleanup after Ctrl-C asks this too.
	out, err := gitrepo.Run(context.Background(), w.dir, "ls-files", "-z", "--", ":(literal)"+p)
	var ge *gitrepo.Error
	switch {
	case gitrepo.NotARepository(err):
		return nil
	case errors.As(err, &ge):
		return &changedError{Path: p, Why: "may hold files git tracks (git ls-files: " + cmp.Or(ge.Stderr, ge.Err.Error()) + ")"}
	case len(out) > 0:
		return &changedError{Path: p, Why: "holds files git tracks"}
	}
	return nil
}
