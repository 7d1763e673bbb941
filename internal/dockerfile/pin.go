package dockerfile

import (
	"bytes"
	"fmt"
	"strings"
)

// Pin rewrites data, the Dockerfile Parse read as f, so that each FROM,
// COPY --from and RUN --mount from= whose reference pin maps names what pin
// gives instead: the exact image a project parent was built into. Only the
// reference changes, so every instruction keeps its lines and the engine's
// messages point at the user's file. References that name a stage are left
// alone, as are those pin does not map.
func Pin(data []byte, f *File, pin func(ref string) (string, bool)) ([]byte, error) {
	lines := strings.SplitAfter(string(data), "\n")
	for _, s := range f.Stages {
		if to, ok := pin(s.Base); ok {
			if !replaceToken(lines, s.Line, s.EndLine, fromImage(s.BaseRaw), to) {
				return nil, &Error{Line: s.Line, Msg: fmt.Sprintf("cannot find FROM %s to pin it", s.BaseRaw)}
			}
		}
		for _, r := range s.CopyFrom {
			to, ok := pin(r.Name)
			if !ok || f.isStage(r.Name) {
				continue
			}
			if !replaceToken(lines, r.Line, r.EndLine, copyFrom(r.Name), "--from="+to) {
				return nil, &Error{Line: r.Line, Msg: fmt.Sprintf("cannot find COPY --from=%s to pin it", r.Name)}
			}
		}
		for _, r := range s.MountFrom {
			to, ok := pin(r.Name)
			if !ok || f.isStage(r.Name) {
				continue
			}
			if !replaceMount(lines, r.Line, r.EndLine, r.Name, to) {
				return nil, &Error{Line: r.Line, Msg: fmt.Sprintf("cannot find RUN --mount from=%s to pin it", r.Name)}
			}
		}
	}
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(l)
	}
	return b.Bytes(), nil
}

// isStage reports whether name names a stage, as COPY --from resolves it.
func (f *File) isStage(name string) bool {
	_, ok := findStage(f.Stages, name)
	return ok
}

// fromImage matches the image word of a FROM: the first word after the
// keyword that is not a flag.
func fromImage(raw string) func(words []string, i int) bool {
	return func(words []string, i int) bool {
		for j := 1; j < i; j++ {
			if !strings.HasPrefix(words[j], "--") && words[j] != `\` {
				return false
			}
		}
		return i > 0 && words[i] == raw
	}
}

// copyFrom matches the --from flag of a COPY naming ref.
func copyFrom(ref string) func(words []string, i int) bool {
	return func(words []string, i int) bool { return words[i] == "--from="+ref }
}

// replaceToken replaces, in lines first..last (1-based), the first word
// that match accepts, and reports whether there was one. match sees the
// instruction's words up to that one.
func replaceToken(lines []string, first, last int, match func(words []string, i int) bool, to string) bool {
	var words []string
	for n := first; n <= last && n-1 < len(lines); n++ {
		line := lines[n-1]
		for _, w := range wordSpans(line) {
			words = append(words, line[w[0]:w[1]])
			if match(words, len(words)-1) {
				lines[n-1] = line[:w[0]] + to + line[w[1]:]
				return true
			}
		}
	}
	return false
}

// replaceMount replaces the from= field naming ref in a RUN's --mount flag.
func replaceMount(lines []string, first, last int, ref, to string) bool {
	for n := first; n <= last && n-1 < len(lines); n++ {
		line := lines[n-1]
		for _, w := range wordSpans(line) {
			word := line[w[0]:w[1]]
			spec, ok := strings.CutPrefix(word, "--mount=")
			if !ok {
				continue
			}
			fields := strings.Split(spec, ",")
			for i, fld := range fields {
				if fld == "from="+ref {
					fields[i] = "from=" + to
					lines[n-1] = line[:w[0]] + "--mount=" + strings.Join(fields, ",") + line[w[1]:]
					return true
				}
			}
		}
	}
	return false
}

// wordSpans returns the start and end of each space-separated word of line.
func wordSpans(line string) [][2]int {
	var spans [][2]int
	start := -1
	for i := 0; i <= len(line); i++ {
		space := i == len(line) || line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\r'
		switch {
		case space && start >= 0:
			spans = append(spans, [2]int{start, i})
			start = -1
		case !space && start < 0:
			start = i
		}
	}
	return spans
}
