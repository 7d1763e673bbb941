package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats lists the output formats Write accepts.
var Formats = []string{"text", "json", "dot", "mermaid", "html"}

// Write renders the plan in one of Formats.
func (pl *Plan) Write(w io.Writer, format string) error {
	switch format {
	case "text":
		return pl.writeText(w)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(pl)
	case "dot":
		return pl.writeDot(w)
	case "mermaid":
		return pl.writeMermaid(w)
	case "html":
		return pl.writeHTML(w)
	}
	return fmt.Errorf("unknown output format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

func (pl *Plan) writeText(w io.Writer) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "%d %s, parents first", len(pl.Images), plural(len(pl.Images), "image"))
	if pl.Variant != "" {
		fmt.Fprintf(b, ", variant %s", pl.Variant)
	}
	if n, ok := pl.toBuild(); ok {
		fmt.Fprintf(b, "; %d to build, %d up to date", n, len(pl.Images)-n)
	}
	b.WriteString("\n")
	width := len(fmt.Sprint(len(pl.Images)))
	for i, im := range pl.Images {
		fmt.Fprintf(b, "\n%*d. %s", width, i+1, im.Name)
		if im.Component != "" && im.Component != im.Name {
			fmt.Fprintf(b, "  (component %s)", im.Component)
		}
		b.WriteString("\n")
		field := func(key, value string) {
			if value != "" {
				fmt.Fprintf(b, "%*s  %-10s %s\n", width, "", key, value)
			}
		}
		df := im.Dockerfile
		if im.Target != "" {
			df += " --target " + im.Target
		}
		field("dockerfile", df+"  (context "+im.Context+")")
		field("variant", im.Variant)
		field("parents", parentsText(im.Parents))
		field("bases", strings.Join(im.Bases, ", "))
		field("platforms", strings.Join(im.Platforms, ", "))
		field("refs", strings.Join(im.Refs, ", "))
		status := im.Status
		if im.Reason != "" {
			status += ": " + im.Reason
		}
		field("status", status)
		for _, bd := range im.Builds {
			line := bd.Status
			if bd.Reason != "" {
				line += ": " + bd.Reason
			}
			if bd.Worker != "" {
				line += " (worker " + bd.Worker + ")"
			}
			fmt.Fprintf(b, "%*s    %-12s %s\n", width, "", bd.Platform, line)
		}
		if im.Hooks == "skip" {
			field("hooks", "skipped: their inputs did not change")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// parentsText says what each parent is and where the Dockerfile names it.
func parentsText(list []Parent) string {
	var parents []string
	for _, p := range list {
		switch {
		case p.Ref == "":
			parents = append(parents, fmt.Sprintf("%s (%s %s)", p.Name, p.Via, p.At))
		case p.Matched == p.Ref:
			parents = append(parents, fmt.Sprintf("%s (%s %s at %s)", p.Name, p.Via, p.Ref, p.At))
		default:
			parents = append(parents, fmt.Sprintf("%s (%s %s at %s, as %s)", p.Name, p.Via, p.Ref, p.At, p.Matched))
		}
	}
	return strings.Join(parents, ", ")
}

// toBuild counts the images to build, and reports whether the plan's
// images have a status at all.
func (pl *Plan) toBuild() (int, bool) {
	n, known := 0, false
	for _, im := range pl.Images {
		known = known || im.Status != ""
		if im.Status == StatusBuild {
			n++
		}
	}
	return n, known
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
