package config

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Placeholders a tag may hold besides variables, which are expanded when
// the file is read. Both are filled in when the plan is made.
const (
	// TagGit is the repository's commit: the short sha, with "-dirty" when
	// tracked files have changes.
	TagGit = "{git}"
	// TagKey is the image's input key, the hex of its sha256.
	TagKey = "{key}"
)

var placeholderRE = regexp.MustCompile(`\{[^{}]*\}`)

// Tier gives the images it matches their own tags, as FATE tagged its base,
// builder and module images with BASE_TAG, BUILDER_TAG and TAG.
type Tier struct {
	// Images are image names or path.Match patterns ("*-builder").
	Images []string `yaml:"images"`
	Tags   []string `yaml:"tags"`
	// Push false keeps the tier's images out of push and build --push
	// unless -i names them, as FATE pushed its modules only.
	Push *bool `yaml:"push"`

	Line int `yaml:"-"`
}

// UnmarshalYAML records where the tier is declared.
func (t *Tier) UnmarshalYAML(n *yaml.Node) error {
	type plain Tier
	if err := n.Decode((*plain)(t)); err != nil {
		return err
	}
	t.Line = n.Line
	return nil
}

// TagsFor returns the tags of an image, as templates: the image's own tags
// when it has some, else those of the first tier that matches its name,
// else --tag's (Override), else the top-level tags, else registry.tag when
// a registry is configured.
func (c *Config) TagsFor(name string, own []string) []string {
	if len(c.Override) > 0 && !c.ownOrTier(name, own) {
		return c.Override
	}
	return c.ConfiguredTagsFor(name, own)
}

// Pushed reports whether push and build --push ship the image when no -i
// names it: unless the first tier matching it says push: false.
func (c *Config) Pushed(name string, own []string) bool {
	if len(own) > 0 {
		return true
	}
	if t := c.tierOf(name); t != nil && t.Push != nil {
		return *t.Push
	}
	return true
}

// tierOf returns the first tier whose patterns match the image, or nil.
func (c *Config) tierOf(name string) *Tier {
	for i, t := range c.Tiers {
		for _, pat := range t.Images {
			if ok, _ := path.Match(pat, name); ok {
				return &c.Tiers[i]
			}
		}
	}
	return nil
}

// ownOrTier reports whether an image's tags are its own or its tier's.
func (c *Config) ownOrTier(name string, own []string) bool {
	return len(own) > 0 || c.tierOf(name) != nil
}

// ConfiguredTagsFor is TagsFor as the files say, without --tag: the tags
// the Dockerfiles' FROM lines are written against.
func (c *Config) ConfiguredTagsFor(name string, own []string) []string {
	if len(own) > 0 {
		return own
	}
	if t := c.tierOf(name); t != nil {
		return t.Tags
	}
	if len(c.Tags) > 0 {
		return c.Tags
	}
	if len(c.Registries) > 0 || c.Registry.Configured() {
		return []string{c.Registry.Tag}
	}
	return nil
}

// RefTemplates returns the references an image of that name gets with
// those tags, as templates still holding placeholders: each tag in the main
// registry, then in each of registries:; a tag holding a "/" is a whole
// reference, used once as written. Without any registry, a tag names the
// image by its bare name.
func (c *Config) RefTemplates(name string, tags []string) []string {
	regs := append([]Registry{c.Registry}, c.Registries...)
	if !c.Registry.Configured() && len(c.Registries) > 0 {
		regs = regs[1:]
	}
	var refs []string
	for _, t := range tags {
		for _, reg := range regs {
			if ref := reg.Ref(name, t); !slices.Contains(refs, ref) {
				refs = append(refs, ref)
			}
			if IsWholeRef(t) {
				break
			}
		}
	}
	return refs
}

// UsesTag reports whether any tag of the configuration holds the
// placeholder, so that its value is only looked up when needed.
func (c *Config) UsesTag(placeholder string) bool {
	lists := [][]string{c.Tags, c.Override, {c.Registry.Tag}}
	for _, t := range c.Tiers {
		lists = append(lists, t.Tags)
	}
	for _, im := range c.Images {
		lists = append(lists, im.Tags)
	}
	for _, l := range lists {
		for _, t := range l {
			if strings.Contains(t, placeholder) {
				return true
			}
		}
	}
	return false
}

// CheckTag returns an error unless t is a valid tag template: a tag, maybe
// with placeholders, or a whole reference (holding "/" or ":"), which the plan
// checks.
func CheckTag(t string) error {
	sample := placeholderRE.ReplaceAllStringFunc(t, func(p string) string {
		if p == TagGit || p == TagKey {
			return "0123abcd"
		}
		return "{"
	})
	switch {
	case strings.Contains(sample, "{"):
		return fmt.Errorf("tag %q: unknown placeholder; known: %s, %s", t, TagGit, TagKey)
	case IsWholeRef(t):
		return nil
	case !tagRE.MatchString(sample):
		return fmt.Errorf("%q is not a valid image tag", t)
	}
	return nil
}

// validateTags checks the tag templates, the tiers' patterns and the extra
// registries. The plan checks the references images' own tags make.
func (c *Config) validateTags(top *yaml.Node, ps *problems) {
	check := func(line int, where string, tags []string) {
		for _, t := range tags {
			if err := CheckTag(t); err != nil {
				ps.add(FileName, line, "%s: %v", where, err)
			}
		}
	}
	check(lineOf(top, "registry", "tag"), "registry.tag", []string{c.Registry.Tag})
	check(lineOf(top, "tags"), "tags", c.Tags)
	for i, t := range c.Tiers {
		where := fmt.Sprintf("tiers[%d]", i)
		if len(t.Images) == 0 || len(t.Tags) == 0 {
			ps.add(FileName, t.Line, "%s: a tier needs images and tags", where)
		}
		for _, pat := range t.Images {
			if _, err := path.Match(pat, ""); err != nil {
				ps.add(FileName, t.Line, "%s: image pattern %q: %v", where, pat, err)
			}
		}
		check(t.Line, where, t.Tags)
	}
	for i, r := range c.Registries {
		where, line := fmt.Sprintf("registries[%d]", i), mappingValue(top, "registries").Content[i].Line
		switch {
		case !r.Configured():
			ps.add(FileName, line, "%s: a registry needs a domain or a namespace", where)
		case r.Tag != "":
			ps.add(FileName, line, "%s: tag: every registry gets the same tags; set them with registry.tag, tags or tiers", where)
		}
	}
}
