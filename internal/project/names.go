package project

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/dockyard-build/dockyard/internal/config"
)

// nameRule is what an image name must be.
const nameRule = "must be lower case letters and digits, joined by single . _ or -"

// dockerfileName reads the image name and variant of a component
// Dockerfile, "<name>[.<variant>].dockerfile", from a build/ folder's
// entry; the name is "" for an entry that is no such file. Only a known
// variant is a suffix (see knownVariant): "drivers-384.111.dockerfile" is
// the image drivers-384.111. A file whose name gives no valid image name
// and variant is an error: it used to be skipped or lower-cased without a
// word.
func (p *Project) dockerfileName(build string, e fs.DirEntry) (name, variant string, err error) {
	base, ok := strings.CutSuffix(e.Name(), dockerfileExt)
	if e.IsDir() || !ok {
		return "", "", nil
	}
	name = base
	if i := strings.LastIndexByte(base, '.'); i > 0 && p.knownVariant(strings.ToLower(base[i+1:])) {
		name, variant = base[:i], base[i+1:]
	}
	if err := checkFileName(path.Join(build, e.Name()), name, variant); err != nil {
		return "", "", err
	}
	return name, variant, nil
}

// checkFileName refuses a component Dockerfile, at path file, whose name
// does not split into a valid image name and variant.
func checkFileName(file, name, variant string) error {
	base := path.Base(file)
	whole := name
	if variant != "" {
		whole += "." + variant
	}
	var msg string
	switch {
	case name == "":
		msg = fmt.Sprintf("%s names no image; name the file <image>[.<variant>]%s", base, dockerfileExt)
	case !config.ValidImageName(name):
		msg = fmt.Sprintf("image name %q (from the file name) %s", name, nameRule)
	case variant != "" && !config.ValidVariant(variant):
		msg = fmt.Sprintf("variant %q (from the file name) must be lower case letters and digits, joined by single _ or -", variant)
	case whole+dockerfileExt != base:
		msg = fmt.Sprintf("%s is not <image>[.<variant>]%s", base, dockerfileExt)
	default:
		return nil
	}
	if lower := strings.ToLower(base); lower != base && checkFileName(path.Join(path.Dir(file), lower), strings.ToLower(name), strings.ToLower(variant)) == nil {
		msg += "; rename the file to " + lower
	}
	return &config.Problem{File: file, Msg: msg}
}

// checkFolderName refuses an image folder whose name is not a valid image
// name; spec is its image.yaml.
func checkFolderName(spec, name string) error {
	if config.ValidImageName(name) {
		return nil
	}
	msg := fmt.Sprintf("image name %q (from the folder name) %s", name, nameRule)
	if lower := strings.ToLower(name); config.ValidImageName(lower) {
		msg += "; rename the folder to " + lower
	}
	return &config.Problem{File: spec, Msg: msg}
}
