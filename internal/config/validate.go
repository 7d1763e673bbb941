package config

import (
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dockyard-build/dockyard/internal/platform"
)

// validate reports every problem of the file at once, each at its line.
func (c *Config) validate(root string, top *yaml.Node) error {
	var ps problems
	if c.Version != 1 {
		ps.add(FileName, lineOf(top, "version"), "version must be 1 (got %d); start the file with \"version: 1\"", c.Version)
	}
	if !slices.Contains(Engines, c.Engine) {
		ps.add(FileName, lineOf(top, "engine"), "engine %q is not one of %s", c.Engine, strings.Join(Engines, ", "))
	}
	if c.Jobs < 0 {
		ps.add(FileName, lineOf(top, "jobs"), "jobs must not be negative")
	}
	if !slices.Contains(Caches, c.Cache) {
		ps.add(FileName, lineOf(top, "cache"), "cache %q is not one of %s", c.Cache, strings.Join(Caches, ", "))
	}
	if err := Inside(root, c.Src); err != nil {
		ps.add(FileName, lineOf(top, "src"), "src: %v", err)
	}
	if err := Inside(root, c.ConfigDir); c.ConfigDir != "" && err != nil {
		ps.add(FileName, lineOf(top, "config_dir"), "config_dir: %v", err)
	}
	c.validateTags(top, &ps)
	c.validateWorkers(root, top, &ps)
	checkPlatforms(c.Platforms, FileName, lineOf(top, "platforms"), &ps)
	if c.Name != "" && !nameRE.MatchString(c.Name) {
		ps.add(FileName, lineOf(top, "name"), "name %q must be lower case letters, digits and . _ - separators", c.Name)
	}
	for _, pat := range c.External {
		if _, err := path.Match(pat, ""); err != nil {
			ps.add(FileName, lineOf(top, "external"), "external: pattern %q: %v", pat, err)
		}
	}
	seen := map[string]int{}
	for _, im := range c.Images {
		switch {
		case im.Name == "":
			ps.add(FileName, im.Line, "image without a name")
		case !nameRE.MatchString(im.Name):
			ps.add(FileName, im.Line, "image name %q must be lower case letters, digits and . _ - separators", im.Name)
		case seen[im.Name] > 0:
			ps.add(FileName, im.Line, "image %q is declared twice (first at line %d)", im.Name, seen[im.Name])
		default:
			seen[im.Name] = im.Line
		}
		checkPlatforms(im.Platforms, FileName, im.Line, &ps)
		for _, p := range []string{im.Context, im.Dockerfile, im.Pre, im.Post} {
			if err := Inside(root, p); err != nil {
				ps.add(FileName, im.Line, "image %s: %v", im.Name, err)
				break
			}
		}
	}
	return ps.err()
}

// checkPlatforms reports every platform that is not os/arch[/variant].
func checkPlatforms(platforms []string, file string, line int, ps *problems) {
	for _, p := range platforms {
		if _, err := platform.Parse(p); err != nil {
			ps.add(file, line, "%v", err)
		}
	}
}
