package inputs

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dockyard-build/dockyard/internal/buildcontext"
	"github.com/dockyard-build/dockyard/internal/gitrepo"
)

// ChangedSince lists the files under root that differ from the commit ref:
// committed since, staged, unstaged, deleted and untracked (unless git
// ignores them). Paths are slash-separated and relative to root.
func ChangedSince(ctx context.Context, root, ref string) ([]string, error) {
	if _, err := gitrepo.Run(ctx, root, "rev-parse", "--verify", "--end-of-options", ref+"^{commit}"); err != nil {
		return nil, fmt.Errorf("%s is not a commit: %w", ref, err)
	}
	diff, err := gitrepo.Run(ctx, root, "diff", "--name-only", "--no-renames", "--relative", "-z", ref, "--")
	if err != nil {
		return nil, err
	}
	untracked, err := gitrepo.Run(ctx, root, "ls-files", "--others", "--exclude-standard", "-z")
	if err != nil {
		return nil, err
	}
	var files []string
	for _, out := range [][]byte{diff, untracked} {
		for _, f := range bytes.Split(out, []byte{0}) {
			if len(f) > 0 {
				files = append(files, string(f))
			}
		}
	}
	slices.Sort(files)
	return slices.Compact(files), nil
}

// Source is where an image's files come from, for change detection.
type Source struct {
	Context    string // root-relative
	Dockerfile string // root-relative
	Overlays   []Overlay
	// Extra are files or folders, root-relative, that hooks read from
	// outside the context (hooks.inputs of dockyard.yaml).
	Extra []string
}

// Touches reports whether a changed root-relative file is an input of the
// source: its Dockerfile, a file of its context that the context's rules
// keep (a change of an ignore file itself counts), or a file an overlay
// copies in. A file under .git or .dockyard never is.
func (s *Scanner) Touches(src Source, file string) (bool, error) {
	if ex, err := buildcontext.Own().Excluded(file); ex || err != nil {
		return false, err
	}
	if file == src.Dockerfile || file == buildcontext.DockerfileIgnore(src.Dockerfile) {
		return true, nil
	}
	if rel, ok := within(src.Context, file); ok {
		if rel == buildcontext.IgnoreFile {
			return true, nil
		}
		return s.kept(src, rel)
	}
	for _, e := range src.Extra {
		if _, ok := within(e, file); ok {
			return true, nil
		}
	}
	for _, o := range src.Overlays {
		if rel, ok := within(o.Src, file); ok {
			dst := o.Dst
			if rel != "." {
				dst += "/" + rel
			}
			return s.kept(src, dst)
		}
	}
	return false, nil
}

// kept reports whether the source's context keeps rel.
func (s *Scanner) kept(src Source, rel string) (bool, error) {
	rules, err := s.rules(src.Context, src.Dockerfile)
	if err != nil {
		return false, err
	}
	ex, err := rules.Excluded(rel)
	return !ex, err
}

// within returns file relative to dir when it is dir or under it.
func within(dir, file string) (string, bool) {
	if dir == "." {
		return file, true
	}
	if file == dir {
		return ".", true
	}
	rel, ok := strings.CutPrefix(file, dir+"/")
	return rel, ok
}
