package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/project"
)

// references are the image's references: its bare name first when
// bare_tags asks for it, then those its tags give in each registry (see
// config.RefTemplates), or its local reference when nothing names it.
// References whose tag holds {key} wait for the image's input key and come
// back apart (see AddKeyRefs).
func references(p *project.Project, im *project.Image) (refs, keyRefs []string, err error) {
	cfg := p.Config
	if cfg.BareTags {
		refs = append(refs, im.Name)
	}
	templates := cfg.RefTemplates(im.Name, cfg.TagsFor(im.Name, im.Tags))
	if len(templates) == 0 && !cfg.BareTags {
		templates = []string{p.LocalRef(im.Name)}
	}
	for _, ref := range templates {
		if strings.Contains(ref, config.TagGit) {
			if cfg.Commit == "" {
				return nil, nil, &config.Problem{File: im.Declared.File, Line: im.Declared.Line,
					Msg: fmt.Sprintf("image %s: tag %q needs the git commit, and the repository is not a git work tree", im.Name, tagOf(ref))}
			}
			ref = strings.ReplaceAll(ref, config.TagGit, cfg.Commit)
		}
		switch {
		case strings.Contains(ref, config.TagKey):
			keyRefs = append(keyRefs, ref)
		case !project.ValidRef(ref):
			return nil, nil, checkRef(im, ref)
		case !slices.Contains(refs, ref):
			refs = append(refs, ref)
		}
	}
	return refs, keyRefs, nil
}

// tagOf is the tag of a reference template, for messages.
func tagOf(ref string) string {
	return ref[strings.LastIndex(ref, ":")+1:]
}

func checkRef(im *project.Image, ref string) error {
	return &config.Problem{File: im.Declared.File, Line: im.Declared.Line,
		Msg: fmt.Sprintf("image %s: %q is not a valid image reference", im.Name, ref)}
}

// NeedsKey reports whether some of the image's references hold its input
// key: they are only known once AddKeyRefs has been given the key.
func (im *Image) NeedsKey() bool { return len(im.keyRefs) > 0 }

// AddKeyRefs completes the references whose tag holds {key} with the
// image's input key ("sha256:<hex>" or the hex alone) and adds them.
func (im *Image) AddKeyRefs(key string) error {
	hex := strings.TrimPrefix(key, "sha256:")
	for _, tmpl := range im.keyRefs {
		ref := strings.ReplaceAll(tmpl, config.TagKey, hex)
		if !project.ValidRef(ref) {
			return fmt.Errorf("image %s: %q is not a valid image reference", im.Name, ref)
		}
		if !slices.Contains(im.Refs, ref) {
			im.Refs = append(im.Refs, ref)
		}
	}
	im.keyRefs = nil
	return nil
}

// AddKnownKeyRefs gives the plan's images whose tags hold {key}, and
// whose input key is known, those references.
func (pl *Plan) AddKnownKeyRefs() error {
	for i := range pl.Images {
		if im := &pl.Images[i]; im.NeedsKey() && im.Key != "" {
			if err := im.AddKeyRefs(im.Key); err != nil {
				return err
			}
		}
	}
	return nil
}
