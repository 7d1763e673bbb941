package plan

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockyard-build/dockyard/internal/testenv"
)

// pictured is a plan with a component of two images, an external base,
// a COPY --from edge and both statuses.
func pictured() *Plan {
	return &Plan{Images: []Image{
		{Name: "base", Component: "base", Bases: []string{"debian:12"}, Status: StatusUpToDate, Refs: []string{"ns/base:1"}},
		{Name: "api", Component: "web", Parents: []Parent{{Name: "base", Via: "FROM"}}, Status: StatusBuild, Reason: "Dockerfile changed"},
		{Name: "ui", Component: "web", Parents: []Parent{{Name: "base", Via: "FROM"}, {Name: "api", Via: "COPY --from"}}, Status: StatusBuild, Reason: "parent api changed"},
	}}
}

func TestPicturesGroupComponentsAndMarkBases(t *testing.T) {
	for format, wants := range map[string][]string{
		"dot": {
			"subgraph \"cluster_web\" {\n    label=\"component web\";",
			`"api" [label="api\nto build", fillcolor="#ffe0b2"];`,
			`"base" [label="base\nup to date", fillcolor="#c8e6c9"];`,
			`"debian:12" [shape=box, style=dashed, fontcolor=gray40, label="debian:12\nexternal"];`,
			`"api" -> "ui" [label="copy"];`,
			"\"base\" -> \"ui\";\n",
		},
		"mermaid": {
			"subgraph c1[\"component web\"]\n    i2[\"api<br/><small>to build</small>\"]:::build",
			`e1["debian:12<br/><small>external</small>"]:::external`,
			"e1 -.-> i1\n",
			"i2 -->|copy| i3\n",
		},
	} {
		var out bytes.Buffer
		if err := pictured().Write(&out, format); err != nil {
			t.Fatal(err)
		}
		for _, want := range wants {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s lacks %q:\n%s", format, want, out.String())
			}
		}
		if strings.Contains(out.String(), "cluster_base") || strings.Contains(out.String(), `"component base"`) {
			t.Errorf("%s boxes a component of one image:\n%s", format, out.String())
		}
	}
}

func TestHTMLIsOneSelfContainedPage(t *testing.T) {
	var out bytes.Buffer
	if err := pictured().Write(&out, "html"); err != nil {
		t.Fatal(err)
	}
	page := out.String()
	for _, want := range []string{"<svg ", `class="box build"`, `class="box external"`, ">debian:12<", ">copy<",
		`<td class="build">to build: parent api changed</td>`, "<code>ns/base:1</code>"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Nothing is fetched: no script, stylesheet, image or font from anywhere.
	for _, bad := range []string{"<script", "<link", "src=", "@import", "url(http"} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds %q: it must need no network", bad)
		}
	}
}

// TestHTMLInChromium opens the page in headless Chromium (Debian's
// chromium) and checks that it draws: the DOM Chromium ends with has the
// graph's boxes and the table's rows. It skips where Chromium is missing.
func TestHTMLInChromium(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		testenv.Missing(t, "chromium is not installed (apt-get install chromium)")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "plan.html")
	var out bytes.Buffer
	if err := pictured().Write(&out, "html"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "plan.png")
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + dir,
		"--screenshot=" + shot, "--window-size=1000,600", "--dump-dom", "file://" + page}
	cmd := exec.CommandContext(t.Context(), bin, args...)
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	if n := strings.Count(string(dom), `<rect class="box`); n != 4 {
		t.Errorf("chromium's DOM has %d boxes, want 4 (three images, one base)", n)
	}
	if n := strings.Count(string(dom), "<tr><td>"); n != 3 {
		t.Errorf("chromium's DOM has %d table rows, want 3", n)
	}
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 5000 {
		t.Errorf("no screenshot, or an empty one: %v", err)
	}
	if keep := os.Getenv("DOCKYARD_KEEP_SCREENSHOT"); keep != "" {
		data, _ := os.ReadFile(shot)
		_ = os.WriteFile(keep, data, 0o644)
	}
}
