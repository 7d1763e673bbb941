package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/project"
)

// references are the bare name, so that FROM <name> finds the image, then
// each of the image's tags in each registry: the main one, then those of
// registries:. A tag holding a "/" is a whole reference, used once as
// written. References whose tag holds {key} wait for the image's input key
// and come back apart (see AddKeyRefs).
func references(cfg *config.Config, im *project.Image) (refs, keyRefs []string, err error) {
	refs = []string{im.Name}
	regs := append([]config.Registry{cfg.Registry}, cfg.Registries...)
	if !cfg.Registry.Configured() && len(cfg.Registries) > 0 {
		regs = regs[1:]
	}
	for _, t := range cfg.TagsFor(im.Name, im.Tags) {
		if strings.Contains(t, config.TagGit) {
			if cfg.Commit == "" {
				return nil, nil, &config.Problem{File: im.Declared.File, Line: im.Declared.Line,
					Msg: fmt.Sprintf("image %s: tag %q needs the git commit, and the repository is not a git work tree", im.Name, t)}
			}
			t = strings.ReplaceAll(t, config.TagGit, cfg.Commit)
		}
		for _, reg := range regs {
			ref := reg.Ref(im.Name, t)
			if strings.Contains(t, config.TagKey) {
				if !slices.Contains(keyRefs, ref) {
					keyRefs = append(keyRefs, ref)
				}
			} else if err := checkRef(im, ref); err != nil {
				return nil, nil, err
			} else if !slices.Contains(refs, ref) {
				refs = append(refs, ref)
			}
			if strings.Contains(t, "/") {
				break
			}
		}
	}
	return refs, keyRefs, nil
}

func checkRef(im *project.Image, ref string) error {
	if refRE.MatchString(ref) {
		return nil
	}
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
		if !refRE.MatchString(ref) {
			return fmt.Errorf("image %s: %q is not a valid image reference", im.Name, ref)
		}
		if !slices.Contains(im.Refs, ref) {
			im.Refs = append(im.Refs, ref)
		}
	}
	im.keyRefs = nil
	return nil
}
