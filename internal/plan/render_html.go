package plan

import (
	_ "embed"
	"html/template"
	"io"
	"strings"
)

//go:embed render_html.tmpl
var htmlPage string

// pageTemplate is the HTML form of a plan: one page, styles inline,
// nothing fetched, the graph an inline SVG the browser draws.
var pageTemplate = template.Must(template.New("plan").Funcs(template.FuncMap{
	"join": strings.Join,
	"half": func(a, b int) int { return (a + b) / 2 },
	"inc":  func(i int) int { return i + 1 },
	"status": func(im Image) string {
		if im.Reason != "" {
			return statusWord(im) + ": " + im.Reason
		}
		return statusWord(im)
	},
	"parents": func(im Image) string { return strings.Join(parentNames(im.Parents), ", ") },
}).Parse(htmlPage))

// writeHTML writes the plan as one self-contained page: the graph, then
// the table of images in build order.
func (pl *Plan) writeHTML(w io.Writer) error {
	first := &strings.Builder{}
	if err := pl.writeText(first); err != nil {
		return err
	}
	summary, _, _ := strings.Cut(first.String(), "\n")
	return pageTemplate.Execute(w, struct {
		Plan    *Plan
		Summary string
		Picture picture
		BoxW    int
		BoxH    int
	}{pl, summary, pl.layout(), boxW, boxH})
}
