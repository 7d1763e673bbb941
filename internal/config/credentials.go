package config

import (
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"
)

// PasswordVars are the variables that hold registry passwords: those that
// password_env of registry and of registries name. A password is never a
// build arg: a build arg stays in the image's history and config, in the
// plan and in the state.
func (c *Config) PasswordVars() []string {
	var vars []string
	for _, r := range append([]Registry{c.Registry}, c.Registries...) {
		if r.PasswordEnv != "" && !slices.Contains(vars, r.PasswordEnv) {
			vars = append(vars, r.PasswordEnv)
		}
	}
	return vars
}

// SecretHint says what to do instead of a build arg that holds a password.
func SecretHint(name string) string {
	return fmt.Sprintf("a password is never a build arg (it would stay in the image's history); "+
		"give it to the build as a BuildKit secret instead: RUN --mount=type=secret,id=%s", name)
}

// checkPasswordArgs refuses, in the file's tree before interpolation, an
// args entry (top-level or an image's) named after a password variable or
// whose value uses one.
func checkPasswordArgs(top *yaml.Node, ps *problems) {
	vars := passwordVarsOf(top)
	if len(vars) == 0 {
		return
	}
	argMaps := []*yaml.Node{mappingValue(top, "args")}
	if images := mappingValue(top, "images"); images != nil && images.Kind == yaml.SequenceNode {
		for _, im := range images.Content {
			if im.Kind == yaml.MappingNode {
				argMaps = append(argMaps, mappingValue(im, "args"))
			}
		}
	}
	for _, m := range argMaps {
		if m == nil || m.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			key, value := m.Content[i], m.Content[i+1]
			for _, v := range vars {
				switch {
				case key.Value == v:
					ps.add(FileName, key.Line, "args: %s is the variable of a registry password (password_env); %s", v, SecretHint(v))
				case slices.Contains(referenced(value.Value), v):
					ps.add(FileName, value.Line, "args: %s uses $%s, a registry password (password_env); %s", key.Value, v, SecretHint(v))
				}
			}
		}
	}
}

// passwordVarsOf reads the password_env settings from the file's tree.
func passwordVarsOf(top *yaml.Node) []string {
	var vars []string
	regs := []*yaml.Node{mappingValue(top, "registry")}
	if more := mappingValue(top, "registries"); more != nil {
		regs = append(regs, more.Content...)
	}
	for _, r := range regs {
		if r == nil || r.Kind != yaml.MappingNode {
			continue
		}
		if n := mappingValue(r, "password_env"); n != nil && n.Kind == yaml.ScalarNode && n.Value != "" {
			vars = append(vars, n.Value)
		}
	}
	return vars
}

// referenced lists the variables a value uses.
func referenced(s string) []string {
	var names []string
	interpolate(s, func(name string) (string, bool) {
		names = append(names, name)
		return "", true
	})
	return names
}
