package dockerfile

import (
	"maps"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// platformArgs are the args BuildKit defines before any ARG; their values
// depend on the builder and the requested platform.
var platformArgs = []string{
	"BUILDPLATFORM", "BUILDOS", "BUILDOSVERSION", "BUILDARCH", "BUILDVARIANT",
	"TARGETPLATFORM", "TARGETOS", "TARGETOSVERSION", "TARGETARCH", "TARGETVARIANT",
	"TARGETSTAGE",
}

// env is the variables visible to FROM; it implements shell.EnvGetter.
type env map[string]string

func (e env) Get(key string) (string, bool) {
	v, ok := e[key]
	return v, ok
}

func (e env) Keys() []string {
	return slices.Sorted(maps.Keys(e))
}

// globalArgs returns the variables FROM sees and the global ARGs as
// declared. It follows BuildKit: a build arg replaces an ARG's default, a
// default is expanded with the ARGs before it, and an ARG with neither stays
// unset.
func globalArgs(lex *shell.Lex, metaArgs []instructions.ArgCommand, args map[string]string) (env, map[string]string, error) {
	vars := env{}
	for _, k := range platformArgs {
		vars[k] = "${" + k + "}"
		if v, ok := args[k]; ok {
			vars[k] = v
		}
	}
	declared := map[string]string{}
	for _, cmd := range metaArgs {
		for _, kv := range cmd.Args {
			declared[kv.Key] = kv.ValueString()
			if v, ok := args[kv.Key]; ok {
				vars[kv.Key] = v
				continue
			}
			if kv.Value == nil {
				continue
			}
			v, _, err := lex.ProcessWord(*kv.Value, vars)
			if err != nil {
				return nil, nil, at(cmd.Location(), "ARG %s: %v", kv.Key, err)
			}
			vars[kv.Key] = v
		}
	}
	return vars, declared, nil
}

// newStage expands a BuildKit stage's FROM and collects its --from values.
func newStage(lex *shell.Lex, vars env, declared map[string]string, index int, st instructions.Stage) (Stage, error) {
	s := Stage{Name: st.Name, Index: index, BaseRaw: st.BaseName}
	s.Line, s.EndLine = lines(st.Location)
	res, err := lex.ProcessWordWithMatches(st.BaseName, vars)
	if err != nil {
		return Stage{}, at(st.Location, "FROM: %v", err)
	}
	if res.Result == "" {
		return Stage{}, at(st.Location, "FROM %s expands to an empty name; %s", st.BaseName, unsetHint(res, vars, declared))
	}
	if msg := undefinedMsg("FROM "+st.BaseName, st.BaseName, res, declared); msg != "" {
		return Stage{}, at(st.Location, "%s", msg)
	}
	s.Base = res.Result
	if st.Platform != "" {
		res, err := lex.ProcessWordWithMatches(st.Platform, vars)
		if err != nil {
			return Stage{}, at(st.Location, "FROM --platform: %v", err)
		}
		if res.Result == "" {
			return Stage{}, at(st.Location, "FROM --platform=%s expands to an empty platform; %s", st.Platform, unsetHint(res, vars, declared))
		}
		if msg := undefinedMsg("FROM --platform="+st.Platform, st.Platform, res, declared); msg != "" {
			return Stage{}, at(st.Location, "%s", msg)
		}
		s.Platform = res.Result
	}
	s.CopyFrom, s.MountFrom, err = fromRefs(lex, st.Commands)
	return s, err
}

// unsetHint says how to give a value to the variables of an expansion that
// are unset or empty.
func unsetHint(res shell.ProcessWordResult, vars env, declared map[string]string) string {
	var names []string
	for k := range res.Unmatched {
		names = append(names, k)
	}
	for k := range res.Matched {
		if vars[k] == "" {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return "give it a value"
	}
	var undeclared []string
	for _, n := range names {
		if _, ok := declared[n]; !ok {
			undeclared = append(undeclared, n)
		}
	}
	if len(undeclared) > 0 {
		return "declare ARG " + strings.Join(undeclared, ", ") + " before the first FROM"
	}
	if len(names) == 1 {
		return "set build arg " + names[0]
	}
	return "set build args " + strings.Join(names, ", ")
}

// fromRefs returns the COPY --from and RUN --mount from= values of a stage.
// BuildKit does not expand variables in them, and refuses COPY --from values
// that would change under expansion; so does fromRefs.
func fromRefs(lex *shell.Lex, cmds []instructions.Command) (copies, mounts []Ref, err error) {
	for _, c := range cmds {
		line, end := lines(c.Location())
		switch c := c.(type) {
		case *instructions.CopyCommand:
			if c.From == "" {
				continue
			}
			v, _, err := lex.ProcessWord(c.From, env{})
			if err != nil || v != c.From {
				return nil, nil, at(c.Location(), "COPY --from=%s: BuildKit does not expand variables in --from; "+
					"add a stage FROM %s AS <name> and copy from <name>", c.From, c.From)
			}
			copies = append(copies, Ref{Name: c.From, Line: line, EndLine: end})
		case *instructions.RunCommand:
			for _, m := range instructions.GetMounts(c) {
				if m.From != "" {
					mounts = append(mounts, Ref{Name: m.From, Line: line, EndLine: end})
				}
			}
		}
	}
	return copies, mounts, nil
}

// lines returns the first and last line of an instruction.
func lines(loc []parser.Range) (first, last int) {
	if len(loc) == 0 {
		return 0, 0
	}
	return loc[0].Start.Line, loc[len(loc)-1].End.Line
}
