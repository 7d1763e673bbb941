package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Override is what the command line changes of an image, bake-style
// (--set IMAGE.FIELD=VALUE, --build-arg, --platform): its fields win over
// what the project says.
type Override struct {
	Args       map[string]string
	Tags       []string
	Platforms  []string
	Target     string
	Dockerfile string
	Context    string
}

// AllImages is the image pattern of an override for every image.
const AllImages = "*"

// SetFields are the fields --set takes; args takes args.NAME.
var SetFields = []string{"args.NAME", "context", "dockerfile", "platform", "tags", "target"}

// ParseSet reads IMAGE.FIELD=VALUE into overrides, by image name ("*" for
// every image). tags and platform take comma-separated lists.
func ParseSet(overrides map[string]*Override, s string) error {
	key, value, ok := strings.Cut(s, "=")
	image, field, ok2 := strings.Cut(key, ".")
	if !ok || !ok2 || image == "" || field == "" {
		return fmt.Errorf("--set %s: want IMAGE.FIELD=VALUE (IMAGE may be *; FIELD one of %s)", s, strings.Join(SetFields, ", "))
	}
	o := overrides[image]
	if o == nil {
		o = &Override{}
		overrides[image] = o
	}
	switch {
	case strings.HasPrefix(field, "args."):
		if o.Args == nil {
			o.Args = map[string]string{}
		}
		o.Args[strings.TrimPrefix(field, "args.")] = value
	case field == "tags":
		o.Tags = splitList(value)
		for _, t := range o.Tags {
			if err := CheckTag(t); err != nil {
				return fmt.Errorf("--set %s: %w", s, err)
			}
		}
	case field == "platform":
		o.Platforms = splitList(value)
	case field == "target":
		o.Target = value
	case field == "dockerfile":
		o.Dockerfile = value
	case field == "context":
		o.Context = value
	default:
		return fmt.Errorf("--set %s: unknown field %q (want one of %s)", s, field, strings.Join(SetFields, ", "))
	}
	return nil
}

// OverrideFor merges the overrides of every image and of the image name,
// the image's own winning.
func (c *Config) OverrideFor(name string) Override {
	var out Override
	for _, key := range []string{AllImages, name} {
		o := c.Overrides[key]
		if o == nil {
			continue
		}
		for k, v := range o.Args {
			if out.Args == nil {
				out.Args = map[string]string{}
			}
			out.Args[k] = v
		}
		out.Tags = cmpOr(o.Tags, out.Tags)
		out.Platforms = cmpOr(o.Platforms, out.Platforms)
		out.Target = cmp.Or(o.Target, out.Target)
		out.Dockerfile = cmp.Or(o.Dockerfile, out.Dockerfile)
		out.Context = cmp.Or(o.Context, out.Context)
	}
	return out
}

// OverriddenImages lists the image names overrides name, "*" left out.
func (c *Config) OverriddenImages() []string {
	var out []string
	for k := range c.Overrides {
		if k != AllImages {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func cmpOr(a, b []string) []string {
	if len(a) > 0 {
		return a
	}
	return b
}
