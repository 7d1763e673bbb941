package incremental

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"

	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/project"
)

// hookEnv is the key of what a component's hooks see besides the files the
// source key covers: the variables dockyard gives them and those hooks.env
// of dockyard.yaml names.
func (inc *Incremental) hookEnv(c *project.Component) string {
	if c == nil || c.PreHook == "" && c.PostHook == "" {
		return ""
	}
	cfg := inc.Project.Config
	h := sha256.New()
	for _, v := range HookVars(cfg.Registry.Tag, cfg.Registry.Domain, cfg.Registry.Namespace) {
		h.Write([]byte(v + "\x00"))
	}
	for _, name := range cfg.Hooks.Env {
		v, ok := cfg.Lookup(name)
		if ok {
			h.Write([]byte(name + "=" + v + "\x00"))
		} else {
			h.Write([]byte(name + "\x01"))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// HookVars are the variables every hook gets.
func HookVars(tag, domain, namespace string) []string {
	return []string{"DOCKYARD_IMAGE_TAG=" + tag, "DOCKYARD_REGISTRY=" + domain, "DOCKYARD_NAMESPACE=" + namespace}
}

// Steady says which components of the plan a run can leave alone: their
// dependency copies and hooks are skipped, and their images are the ones
// their last run made. A component is steady when every one of its images
// has the source key its last build was predicted with, the same hook
// environment, and an image the engine still holds; when no component it
// copies in must run; and when its hooks are not marked always (nor all
// rerun). A component without images is steady when every component that
// copies it in is.
func (inc *Incremental) Steady(ctx context.Context, pl *plan.Plan, preds map[string]*Prediction, rerun bool) (map[string]bool, error) {
	p := inc.Project
	out := map[string]bool{}
	if rerun {
		return out, nil
	}
	records, err := inc.Store.Records()
	if err != nil {
		return nil, err
	}
	inc.records = records
	byComp := map[string][]*plan.Image{}
	for i := range pl.Images {
		if im := &pl.Images[i]; im.Kind == project.KindComponent {
			byComp[im.Component] = append(byComp[im.Component], im)
		}
	}
	for name, images := range byComp {
		c := p.Component(name)
		ok := !slices.Contains(p.Config.Hooks.Always, name)
		for _, im := range images {
			rec := records[[2]string{im.Name, platformOf(im)}]
			ok = ok && rec != nil && preds[im.Name] != nil && rec.SourceKey == preds[im.Name].Key && rec.HookEnv == inc.hookEnv(c)
			if ok {
				if ok, err = inc.exists(ctx, rec.ID); err != nil {
					return nil, err
				}
			}
		}
		out[name] = ok
	}
	inc.settleSteady(out)
	return out, nil
}

// settleSteady unmarks the components that copy in one that must run, until
// nothing changes, then marks the hook-only components that only steady
// ones copy in.
func (inc *Incremental) settleSteady(steady map[string]bool) {
	p := inc.Project
	for changed := true; changed; {
		changed = false
		for name, ok := range steady {
			for _, d := range p.Component(name).Deps {
				dc := p.Component(d.Name)
				if ok && len(dc.Images) > 0 && !steady[d.Name] && Busy(dc) {
					steady[name], ok, changed = false, false, true
				}
			}
		}
	}
	users := map[string][]string{}
	for name := range steady {
		for _, d := range p.Component(name).Deps {
			if len(p.Component(d.Name).Images) == 0 {
				users[d.Name] = append(users[d.Name], name)
			}
		}
	}
	for dep, us := range users {
		steady[dep] = !slices.ContainsFunc(us, func(u string) bool { return !steady[u] })
	}
}

// Busy reports whether a component's steps do anything: hooks or copies.
func Busy(c *project.Component) bool {
	return c.PreHook != "" || c.PostHook != "" || len(c.Deps) > 0
}

// LastInputs is an image's input key as its last build took it, for an image
// of a steady component, whose staged files are not laid out in this run.
// Its manifest stays in the state until a change needs it (see files).
func (inc *Incremental) LastInputs(im *plan.Image, platform string) *Current {
	rec := inc.records[[2]string{im.Name, platform}]
	if rec == nil {
		return nil
	}
	return &Current{Key: rec.Key, inputs: rec.Inputs}
}

// hookEnvOf is the hook environment to record for an image: its
// component's, or "" for an image outside components.
func (inc *Incremental) hookEnvOf(im *plan.Image) string {
	if im.Kind != project.KindComponent {
		return ""
	}
	return inc.hookEnv(inc.Project.Component(im.Component))
}
