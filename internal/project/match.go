package project

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/dockyard-build/dockyard/internal/config"
)

var refRE = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$`)

// ValidRef reports whether ref is a valid image reference with an optional
// tag and no digest.
func ValidRef(ref string) bool { return refRE.MatchString(ref) }

// Name is the project's name: name: of dockyard.yaml, else the
// repository folder's name made a valid reference component.
func (p *Project) Name() string {
	if p.Config.Name != "" {
		return p.Config.Name
	}
	n := strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(filepath.Base(p.Root)), "-"), "-._")
	if n == "" {
		return "project"
	}
	return n
}

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

// LocalRef is the reference of an image that no registry and no tag name:
// "<project>-<image>:latest", as Docker Compose names the images it builds,
// so that no image of the project takes a public image's name.
func (p *Project) LocalRef(image string) string {
	return p.Name() + "-" + image + ":latest"
}

// matcher says which project image a reference written in a Dockerfile
// names. A reference names an image when, normalised as Docker normalises
// it (docker.io/library/..., no tag meaning latest), it equals one of the
// image's references (also without the registry's domain, the local name
// FATE's and pai's scripts built under before they pushed); or when it is
// the image's bare name with no tag, latest, or one of the project's tags
// for the image. external: patterns win over both.
type matcher struct {
	external []string
	byRef    map[string]match
}

// match is the image a normalised reference names, and why.
type match struct {
	image string
	why   string // the image's reference it equals, or "bare name"
}

func (p *Project) newMatcher() (*matcher, error) {
	m := &matcher{external: p.Config.External, byRef: map[string]match{}}
	var errs []error
	for _, im := range p.Images {
		clash := map[string]bool{}
		for _, c := range p.candidates(im) {
			key, ok := normalise(c.ref)
			if !ok {
				continue
			}
			old, taken := m.byRef[key]
			switch {
			case !taken:
				m.byRef[key] = match{image: im.Name, why: c.why}
			case old.image != im.Name && !clash[old.image]:
				clash[old.image] = true
				errs = append(errs, &config.Problem{File: im.Declared.File, Line: im.Declared.Line,
					Msg: fmt.Sprintf("image %s: reference %s is also image %s's; a FROM naming it could not tell them apart", im.Name, c.ref, old.image)})
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

type candidate struct{ ref, why string }

// candidates are the references that name an image: each of its
// references (with --tag and as configured), each also without the
// registry's domain, then its bare name with no tag, latest and each tag;
// an image folder also as <namespace>/<image>.
func (p *Project) candidates(im *Image) []candidate {
	cfg := p.Config
	var out []candidate
	var tags []string
	for _, list := range [][]string{cfg.TagsFor(im.Name, im.Tags), cfg.ConfiguredTagsFor(im.Name, im.Tags)} {
		for _, ref := range cfg.RefTemplates(im.Name, list) {
			ref, ok := settle(cfg, ref)
			if !ok {
				continue
			}
			out = append(out, candidate{ref, ref})
			if local, ok := withoutDomain(ref); ok {
				out = append(out, candidate{local, ref})
			}
		}
		for _, t := range list {
			if t, ok := settle(cfg, t); ok && !config.IsWholeRef(t) {
				tags = append(tags, t)
			}
		}
	}
	out = append(out, candidate{p.LocalRef(im.Name), p.LocalRef(im.Name)})
	if ns := cfg.Registry.Namespace; im.Kind == KindFolder && ns != "" {
		// pai 0.5 built image folders as <namespace>/<image> and its
		// templates' FROM lines named them so.
		local := ns + "/" + im.Name + ":latest"
		out = append(out, candidate{local, local})
	}
	for _, t := range append([]string{"latest"}, tags...) {
		out = append(out, candidate{im.Name + ":" + t, "bare name"})
	}
	return out
}

// settle fills in a template's {git}; it reports false for one holding the
// input key, or the commit when it is unknown: nothing can name those yet.
func settle(cfg *config.Config, tmpl string) (string, bool) {
	if strings.Contains(tmpl, config.TagKey) || strings.Contains(tmpl, config.TagGit) && cfg.Commit == "" {
		return "", false
	}
	return strings.ReplaceAll(tmpl, config.TagGit, cfg.Commit), true
}

// withoutDomain returns ref without its registry host, when it has one.
func withoutDomain(ref string) (string, bool) {
	first, rest, ok := strings.Cut(ref, "/")
	if !ok || !strings.ContainsAny(first, ".:") && first != "localhost" {
		return "", false
	}
	return rest, strings.Contains(rest, "/")
}

// normalise writes a reference as Docker resolves it, or reports false for
// one that no project image can be: a digest, or not a reference at all.
func normalise(ref string) (string, bool) {
	r, err := name.ParseReference(ref, name.WeakValidation)
	if err != nil {
		return "", false
	}
	t, ok := r.(name.Tag)
	if !ok {
		return "", false
	}
	return t.Name(), true
}

// lookup returns the project image ref names, and why, unless an external:
// pattern claims ref.
func (m *matcher) lookup(ref string) (match, bool) {
	for _, pat := range m.external {
		if ok, _ := path.Match(pat, ref); ok {
			return match{}, false
		}
		if ok, _ := path.Match(pat, ref+":latest"); ok && !strings.Contains(ref[strings.LastIndex(ref, "/")+1:], ":") {
			return match{}, false
		}
	}
	key, ok := normalise(ref)
	if !ok {
		return match{}, false
	}
	mt, ok := m.byRef[key]
	return mt, ok
}
