package plan

import (
	"slices"
	"strings"

	"github.com/dockyard-build/dockyard/internal/project"
)

// PushRefs are the references of an image that name a registry
// repository: all but one-word names (the bare name, the local
// reference), which are local names only.
func (im *Image) PushRefs() []string {
	var refs []string
	for _, r := range im.Refs {
		if strings.Contains(r, "/") {
			refs = append(refs, r)
		}
	}
	return refs
}

// Pushed leaves out the images whose tier says push: false, unless named
// (-i) names them.
func Pushed(p *project.Project, images []*Image, named []string) []*Image {
	var out []*Image
	for _, im := range images {
		if slices.Contains(named, im.Name) || p.Config.Pushed(im.Name, p.Image(im.Name).Tags) {
			out = append(out, im)
		}
	}
	return out
}

// Unpushable is the first image without a registry reference that will
// not get one once its input key is known; "" when there is none.
func Unpushable(images []*Image) string {
	for _, im := range images {
		if len(im.PushRefs()) == 0 && !im.NeedsKey() {
			return im.Name
		}
	}
	return ""
}
