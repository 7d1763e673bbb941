package progress

import (
	"fmt"
	"strings"
)

// Summary counts the images of a run by how they ended.
type Summary struct {
	Images   int     `json:"images"`
	Built    int     `json:"built"`
	UpToDate int     `json:"upToDate"`
	Failed   int     `json:"failed"`
	Skipped  int     `json:"skipped"`
	Canceled int     `json:"canceled"`
	Seconds  float64 `json:"seconds"`
}

// Summary shows the run's last line: "9 images in 12.3s: 7 built, 2 up to
// date". The caller reports it once, as the run ends.
func (p *Progress) Summary(s Summary) {
	p.emit(event{Type: "summary", Summary: &s})
}

// text is the summary for people; only the statuses some image has.
func (s *Summary) text() string {
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{s.Built, "built"}, {s.UpToDate, "up to date"}, {s.Failed, "failed"}, {s.Skipped, "skipped"}, {s.Canceled, "canceled"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing to do")
	}
	return fmt.Sprintf("%d %s in %.1fs: %s", s.Images, plural(s.Images, "image"), s.Seconds, strings.Join(parts, ", "))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
