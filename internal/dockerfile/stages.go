package dockerfile

import (
	"fmt"
	"strconv"
)

// scratch is the empty base image, which is never pulled or built.
const scratch = "scratch"

// dependencies returns, for each stage, the indexes of the stages it needs,
// resolved as BuildKit resolves them: FROM names an earlier stage exactly,
// COPY --from and RUN --mount from= name any stage case-insensitively (the
// last of that name), and COPY --from may give a stage index. A bad index
// and a cycle between stages are errors.
func dependencies(stages []Stage) ([][]int, error) {
	deps := make([][]int, len(stages))
	for i, s := range stages {
		for j := i - 1; j >= 0; j-- {
			if stages[j].Name != "" && stages[j].Name == s.Base {
				deps[i] = append(deps[i], j)
				break
			}
		}
		for _, r := range s.CopyFrom {
			n, err := strconv.Atoi(r.Name)
			if err != nil {
				if j, ok := findStage(stages, r.Name); ok {
					deps[i] = append(deps[i], j)
				}
				continue
			}
			if n < 0 || n >= len(stages) {
				return nil, &Error{Line: r.Line, Msg: fmt.Sprintf("COPY --from=%s: no stage with index %d; the Dockerfile has %d stages", r.Name, n, len(stages))}
			}
			deps[i] = append(deps[i], n)
		}
		for _, r := range s.MountFrom {
			if j, ok := findStage(stages, r.Name); ok {
				deps[i] = append(deps[i], j)
			}
		}
	}
	return deps, checkCycles(stages, deps)
}

// checkCycles reports a stage that needs itself, directly or not.
func checkCycles(stages []Stage, deps [][]int) error {
	const (
		unseen = iota
		open
		done
	)
	state := make([]int, len(stages))
	var visit func(i int) error
	visit = func(i int) error {
		state[i] = open
		for _, j := range deps[i] {
			switch state[j] {
			case open:
				return &Error{Line: stages[j].Line, Msg: fmt.Sprintf("circular dependency: stage %s needs itself", stageLabel(stages[j]))}
			case unseen:
				if err := visit(j); err != nil {
					return err
				}
			}
		}
		state[i] = done
		return nil
	}
	for i := range stages {
		if state[i] == unseen {
			if err := visit(i); err != nil {
				return err
			}
		}
	}
	return nil
}

// stageLabel names a stage in messages: by name, else by index.
func stageLabel(s Stage) string {
	if s.Name != "" {
		return strconv.Quote(s.Name)
	}
	return strconv.Itoa(s.Index)
}

// needed returns the target stage and every stage it needs, in Dockerfile order.
func needed(stages []Stage, deps [][]int, target int) []Stage {
	keep := make([]bool, len(stages))
	var mark func(i int)
	mark = func(i int) {
		if keep[i] {
			return
		}
		keep[i] = true
		for _, j := range deps[i] {
			mark(j)
		}
	}
	mark(target)
	var kept []Stage
	for i, s := range stages {
		if keep[i] {
			kept = append(kept, s)
		}
	}
	return kept
}

// Bases returns the FROM references of the stages that are neither an
// earlier stage's name nor "scratch", in order, without duplicates; the
// line is that of the first FROM naming the reference.
func (f *File) Bases() []Ref {
	stageNames := map[string]bool{}
	var refs []Ref
	seen := map[string]bool{}
	for _, s := range f.Stages {
		if s.Base != scratch && !stageNames[s.Base] && !seen[s.Base] {
			seen[s.Base] = true
			refs = append(refs, Ref{Name: s.Base, Line: s.Line})
		}
		if s.Name != "" {
			stageNames[s.Name] = true
		}
	}
	return refs
}

// CopySources returns the COPY --from values that are neither a stage name
// nor a stage index, that is the images copied from, in order, without
// duplicates.
func (f *File) CopySources() []Ref {
	return f.external(func(s Stage) []Ref { return s.CopyFrom })
}

// MountSources returns the RUN --mount from= values that are not a stage
// name, that is the images mounted, in order, without duplicates.
func (f *File) MountSources() []Ref {
	return f.external(func(s Stage) []Ref { return s.MountFrom })
}

// external returns the refs of each stage that name no stage, deduplicated.
func (f *File) external(refs func(Stage) []Ref) []Ref {
	var out []Ref
	seen := map[string]bool{}
	for _, s := range f.Stages {
		for _, r := range refs(s) {
			if _, err := strconv.Atoi(r.Name); err == nil {
				continue
			}
			if _, ok := findStage(f.Stages, r.Name); ok || seen[r.Name] {
				continue
			}
			seen[r.Name] = true
			out = append(out, r)
		}
	}
	return out
}
