package config

import (
	"errors"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/dockyard-build/dockyard/internal/graph"
	"go.yaml.in/yaml/v3"
)

var typeOfConfig = reflect.TypeFor[Config]()

// mappingValue returns the value node of key in a mapping node, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// lineOf returns the line of the value at a path of keys, or 0.
func lineOf(n *yaml.Node, keys ...string) int {
	for _, k := range keys {
		if n = mappingValue(n, k); n == nil {
			return 0
		}
	}
	return n.Line
}

// interpolateNode expands variables in every scalar value of the tree, but
// not in keys and not in env_files, which name the variables' sources.
func interpolateNode(n *yaml.Node, lookup lookupFunc, ps *problems) {
	switch n.Kind {
	case yaml.ScalarNode:
		v, err := interpolate(n.Value, lookup)
		if err != nil {
			ps.add(FileName, n.Line, "%v", err)
			return
		}
		n.Value = v
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value != "env_files" {
				interpolateNode(n.Content[i+1], lookup, ps)
			}
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for _, c := range n.Content {
			interpolateNode(c, lookup, ps)
		}
	}
}

// checkKeys reports every mapping key that the struct type t does not have,
// with the line it is on, so a typo never passes silently.
func checkKeys(n *yaml.Node, t reflect.Type, path string, ps *problems) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case n.Kind == yaml.SequenceNode && t.Kind() == reflect.Slice:
		for _, c := range n.Content {
			checkKeys(c, t.Elem(), path, ps)
		}
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Map:
		for i := 1; i < len(n.Content); i += 2 {
			checkKeys(n.Content[i], t.Elem(), path+n.Content[i-1].Value+".", ps)
		}
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Struct && t != reflect.TypeFor[Ref]():
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i]
			ft, ok := fields[key.Value]
			switch {
			case ok:
				checkKeys(n.Content[i+1], ft, path+key.Value+".", ps)
			case (path == "registry." || path == "registries.") && key.Value == "password":
				ps.add(FileName, key.Line, "%spassword: a secret does not belong in %s; put it in an environment variable and name that in %spassword_env", path, FileName, path)
			default:
				ps.add(FileName, key.Line, "unknown key %q%s; known keys: %s", path+key.Value, suggestKey(key.Value, fields), strings.Join(sortedKeys(fields), ", "))
			}
		}
	}
}

func yamlFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			fields[name] = f.Type
		}
	}
	return fields
}

func sortedKeys(m map[string]reflect.Type) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// suggestKey returns a "did you mean" clause for a misspelt key.
func suggestKey(key string, fields map[string]reflect.Type) string {
	if s := graph.Suggest(key, sortedKeys(fields)); len(s) > 0 {
		return " (did you mean " + strconv.Quote(s[0]) + "?)"
	}
	return ""
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlProblem turns the YAML library's errors into file:line problems.
func yamlProblem(file string, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var ps problems
	for _, m := range msgs {
		if g := yamlLineRE.FindStringSubmatch(m); g != nil {
			line, _ := strconv.Atoi(g[1])
			ps.add(file, line, "%s", g[2])
			continue
		}
		ps.add(file, 0, "%s", strings.TrimPrefix(m, "yaml: "))
	}
	return ps.err()
}
