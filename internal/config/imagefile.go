package config

import (
	"fmt"
	"os"
	"reflect"

	"go.yaml.in/yaml/v3"
)

// ImageFile is a pai 1 image folder's image.yaml.
type ImageFile struct {
	Prerequisite Ref        `yaml:"prerequisite"`
	CopyList     []CopyItem `yaml:"copy-list"`
	TemplateList []Ref      `yaml:"template-list"`
}

// CopyItem is a copy-list entry: src is copied to dst before the build, and
// dst removed after it. Both are relative to the repository root.
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

// LoadImageFile reads an image.yaml strictly; name is its path for messages.
func LoadImageFile(path, name string) (*ImageFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlProblem(name, err)
	}
	f := &ImageFile{}
	if len(doc.Content) == 0 {
		return f, nil
	}
	var ps problems
	checkKeys(doc.Content[0], reflect.TypeFor[ImageFile](), "", &ps)
	for i := range ps {
		if p, ok := ps[i].(*Problem); ok {
			p.File = name
		}
	}
	// An unknown key, or one of the wrong type, hides no other problem.
	errs := []error{ps.err()}
	if err := doc.Content[0].Decode(f); err != nil {
		errs = append(errs, yamlProblem(name, err))
	}
	var copies problems
	for _, c := range f.CopyList {
		for _, p := range []string{c.Src, c.Dst} {
			if p == "" {
				copies.add(name, c.Line, "copy-list entries need both src and dst")
			} else if err := checkWithin(p); err != nil {
				copies.add(name, c.Line, "copy-list: %v", err)
			}
		}
	}
	if err := firstPerLine(append(errs, copies.err())...); err != nil {
		return nil, err
	}
	return f, nil
}
