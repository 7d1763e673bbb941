package config

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ImageFile is a pai 1 image folder's image.yaml, with its paths made
// relative to the repository root.
type ImageFile struct {
	Prerequisite Ref
	// CopyList is what pai's copy-list (and pai 0.5's copy:) copied in:
	// each Src to Dst, both root-relative.
	CopyList []CopyItem
	// TemplateList names the files rendered before the build: each is
	// <name>.template in the image's folder, rendered to <name>.
	TemplateList []Ref
}

// imageFile is image.yaml as written: pai 0.6 and later wrote copy-list
// and template-list, pai 0.5 copy and templatelist.
type imageFile struct {
	Prerequisite Ref        `yaml:"prerequisite"`
	CopyList     []CopyItem `yaml:"copy-list"`
	TemplateList []Ref      `yaml:"template-list"`
	Copy         []Ref      `yaml:"copy"`
	Templates    []Ref      `yaml:"templatelist"`
}

// CopyItem is a copy-list entry: src is copied to dst before the build, and
// dst removed after it.
type CopyItem struct {
	Src  string `yaml:"src"`
	Dst  string `yaml:"dst"`
	Line int    `yaml:"-"`
}

// UnmarshalYAML records where the entry is.
func (c *CopyItem) UnmarshalYAML(n *yaml.Node) error {
	type plain CopyItem
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	c.Line = n.Line
	return nil
}

// none is how pai 0.5's image.yaml said "no prerequisite" and "no
// template".
const none = "None"

// copiedDir is the folder of an image that pai 0.5's copy: entries land in.
const copiedDir = "copied_file"

// LoadImageFile reads the image.yaml at file strictly; name is its path
// from the root, for messages. dir is the image's folder and base the
// folder its copy paths are relative to (where paictl ran: the folder
// above src), both root-relative. As pai's "mkdir -p dst; cp -r src dst"
// did, a copy-list src lands inside dst, as dst/<last part of src>; pai
// 0.5's copy: entries land in <dir>/copied_file. None, pai 0.5's word
// for nothing, is no prerequisite and no template.
func LoadImageFile(file, name, dir, base string) (*ImageFile, error) {
	doc, err := readYAML(file, name)
	if err != nil || doc == nil {
		return &ImageFile{}, err
	}
	return decodeImageFile(doc, name, dir, base)
}

// readYAML reads the YAML document of file (called name in messages); nil
// when the file is empty.
func readYAML(file, name string) (*yaml.Node, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlProblem(name, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

// ServiceFileName is pai 0.5's list of images and services, beside src:
// its imagelist held each image's image.yaml, and only the images it
// lists were built.
const ServiceFileName = "service.yaml"

// LoadServiceImages reads the imagelist of pai 0.5's service.yaml,
// file: each entry is an image's image.yaml, whose folder is
// <src>/<image>. It returns nil when the file has no imagelist.
func LoadServiceImages(file, name, src, base string) (map[string]*ImageFile, error) {
	doc, err := readYAML(file, name)
	if err != nil || doc == nil {
		return nil, err
	}
	list := mappingValue(doc, "imagelist")
	if list == nil || list.Kind != yaml.MappingNode {
		return nil, nil
	}
	out := map[string]*ImageFile{}
	var errs []error
	for i := 0; i+1 < len(list.Content); i += 2 {
		image, spec := list.Content[i].Value, list.Content[i+1]
		f, err := decodeImageFile(spec, name, path.Join(src, image), base)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[image] = f
	}
	return out, errors.Join(errs...)
}

func decodeImageFile(n *yaml.Node, name, dir, base string) (*ImageFile, error) {
	f := &ImageFile{}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return f, nil
	}
	var ps problems
	checkKeys(n, reflect.TypeFor[imageFile](), "", &ps)
	for i := range ps {
		if p, ok := ps[i].(*Problem); ok {
			p.File = name
		}
	}
	// An unknown key, or one of the wrong type, hides no other problem.
	errs := []error{ps.err()}
	ps = nil
	var raw imageFile
	if err := n.Decode(&raw); err != nil {
		errs = append(errs, yamlProblem(name, err))
	}
	if raw.Prerequisite.Value != none {
		f.Prerequisite = raw.Prerequisite
	}
	for _, t := range append(raw.TemplateList, raw.Templates...) {
		switch {
		case t.Value == none || t.Value == "":
		case path.Base(t.Value) != t.Value || t.Value == "..":
			ps.add(name, t.Line, "template-list: %q is not a file name of the image's folder", t.Value)
		default:
			f.TemplateList = append(f.TemplateList, t)
		}
	}
	for _, c := range raw.CopyList {
		if c.Src == "" || c.Dst == "" {
			ps.add(name, c.Line, "copy-list entries need both src and dst")
			continue
		}
		src, err1 := fromBase(base, c.Src)
		dst, err2 := fromBase(base, c.Dst)
		if err := cmp.Or(err1, err2); err != nil {
			ps.add(name, c.Line, "copy-list: %v", err)
			continue
		}
		f.add(CopyItem{Src: src, Dst: path.Join(dst, path.Base(src)), Line: c.Line}, name, "copy-list", &ps)
	}
	for _, c := range raw.Copy {
		src, err := fromBase(base, c.Value)
		if err != nil {
			ps.add(name, c.Line, "copy: %v", err)
			continue
		}
		f.add(CopyItem{Src: src, Dst: path.Join(dir, copiedDir, path.Base(src)), Line: c.Line}, name, "copy", &ps)
	}
	if err := firstPerLine(append(errs, ps.err())...); err != nil {
		return nil, err
	}
	return f, nil
}

// add adds a copy, refusing one that would land inside what it copies.
func (f *ImageFile) add(c CopyItem, name, key string, ps *problems) {
	if c.Dst == c.Src || strings.HasPrefix(c.Dst, c.Src+"/") || c.Src == "." {
		ps.add(name, c.Line, "%s: %s would be copied into itself", key, c.Src)
		return
	}
	f.CopyList = append(f.CopyList, c)
}

// fromBase returns p, relative to the folder base, relative to the root;
// it refuses a p that leaves the repository by its words.
func fromBase(base, p string) (string, error) {
	full := path.Join(base, p)
	if path.IsAbs(p) || checkWithin(full) != nil {
		return "", fmt.Errorf("path %q escapes the repository", p)
	}
	return full, nil
}
