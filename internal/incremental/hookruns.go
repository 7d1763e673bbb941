package incremental

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/dockyard-build/dockyard/internal/inputs"
	"github.com/dockyard-build/dockyard/internal/layout"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/state"
)

// RecordHookRun keeps what a component's hooks just made (kept under
// layout.ArtifactsOf), from which inputs (preds are the run's source
// keys), and returns a warning (once per inputs) when the same inputs gave
// different files than last time: such a hook reads something dockyard
// does not see (the network, the clock), so skipping it is not safe until
// the user marks it hooks.always.
func (inc *Incremental) RecordHookRun(c *project.Component, preds map[string]*Prediction) (warning string, err error) {
	in, err := inc.hookInputs(c, preds)
	if err != nil {
		return "", err
	}
	out := inputs.Manifest{}
	if dir := layout.ArtifactsOf(c.Name); inc.Project.Exists(dir) {
		if out, err = inc.Scanner.Manifest(dir, "", nil); err != nil {
			return "", err
		}
	}
	cur := &state.HookRun{Inputs: in, Output: out.Digest(), Manifest: out.Compress()}
	prev, err := inc.Store.HookRun(c.Name)
	if err != nil {
		return "", err
	}
	if prev != nil && prev.Inputs == in {
		cur.Reported = prev.Reported
		if prev.Output != cur.Output && !prev.Reported && !slices.Contains(inc.Project.Config.Hooks.Always, c.Name) {
			warning, cur.Reported = unsteadyHooks(c, prev, out), true
		}
	}
	return warning, inc.Store.PutHookRun(c.Name, cur)
}

// unsteadyHooks says that a component's hooks made other files from the
// same inputs, naming the first file that differs.
func unsteadyHooks(c *project.Component, prev *state.HookRun, out inputs.Manifest) string {
	what := "different files"
	if old, err := inputs.Decompress(prev.Manifest); err == nil {
		if ch, ok := inputs.Diff(old, out); ok {
			what = fmt.Sprintf("different files (%s: %s)", path.Join(c.Dir, "generated", ch.Path), ch.What)
		}
	}
	return fmt.Sprintf("component %s: its hooks made %s from the same inputs as last time; "+
		"if they read the network or the clock, list %s under hooks.always in dockyard.yaml "+
		"so that dockyard never skips them", c.Name, what, c.Name)
}

// hookInputs is the key of what a component's hooks read: the source keys
// of its images (its files, hook scripts and copied-in components), or for
// a component without images its own files; and the hook environment.
func (inc *Incremental) hookInputs(c *project.Component, preds map[string]*Prediction) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "env %s\n", inc.hookEnv(c))
	if len(c.Images) > 0 {
		names := slices.Clone(c.Images)
		slices.Sort(names)
		for _, name := range names {
			if p := preds[name]; p != nil {
				fmt.Fprintf(h, "image %s %s\n", name, p.Key)
			}
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	m, err := inc.Scanner.Manifest(c.Dir, "", nil)
	if err != nil {
		return "", err
	}
	own := slices.DeleteFunc(m, func(e inputs.Entry) bool {
		top, _, _ := strings.Cut(e.Path, "/")
		return top == "generated" || top == "dependency"
	})
	fmt.Fprintf(h, "files %s\n", own.Digest())
	return hex.EncodeToString(h.Sum(nil)), nil
}
