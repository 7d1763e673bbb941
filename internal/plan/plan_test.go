package plan

import (
	"strings"
	"testing"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/testenv"
	"github.com/google/go-cmp/cmp"
)

func load(t *testing.T, files map[string]string) *project.Project {
	t.Helper()
	dir := testenv.WriteFiles(t, files)
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := project.Load(dir, cfg, "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var graphRepo = map[string]string{
	"src/base/build/base.dockerfile":     "FROM scratch\n",
	"src/zeta/build/zeta.dockerfile":     "FROM base\n",
	"src/alpha/build/alpha.dockerfile":   "FROM base\n",
	"src/mid/build/mid.dockerfile":       "FROM alpha\n",
	"src/web/build/web.dockerfile":       "FROM mid\nCOPY --from=zeta /x /x\n",
	"src/web/build/web-extra.dockerfile": "FROM base\n",
	"src/lone/build/lone.dockerfile":     "FROM scratch\n",
}

func names(pl *Plan) []string {
	var out []string
	for _, im := range pl.Images {
		out = append(out, im.Name)
	}
	return out
}

func TestOrderAndSelection(t *testing.T) {
	p := load(t, graphRepo)
	tests := []struct {
		name  string
		sel   Selection
		want  []string
		named []string // what push and save ship: the named images only
	}{
		{"everything, ties by name", Selection{}, []string{"base", "alpha", "lone", "mid", "web-extra", "zeta", "web"}, []string{"base", "alpha", "lone", "mid", "web-extra", "zeta", "web"}},
		{"an image brings its upstream", Selection{Images: []string{"mid"}}, []string{"base", "alpha", "mid"}, []string{"mid"}},
		{"a component brings all its images and their upstream", Selection{Components: []string{"WEB"}}, []string{"base", "alpha", "mid", "web-extra", "zeta", "web"}, []string{"web-extra", "web"}},
		{"both at once", Selection{Components: []string{"lone"}, Images: []string{"zeta"}}, []string{"base", "lone", "zeta"}, []string{"lone", "zeta"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl, err := New(p, tt.sel)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, names(pl)); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
			var named []string
			for _, im := range pl.Named() {
				named = append(named, im.Name)
			}
			if diff := cmp.Diff(tt.named, named); diff != "" {
				t.Errorf("named (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSelectionErrors(t *testing.T) {
	p := load(t, graphRepo)
	_, err := New(p, Selection{Images: []string{"wbe"}, Components: []string{"zzz"}})
	if err == nil {
		t.Fatal("no error")
	}
	want := `unknown component "zzz"; unknown image "wbe" (did you mean "web"?)`
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestRefs(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"no registry: the project's local reference", map[string]string{
			"dockyard.yaml":            "version: 1\nname: demo\n",
			"src/a/build/a.dockerfile": "FROM scratch\n",
		}, []string{"demo-a:latest"}},
		{"bare tags asked for", map[string]string{
			"dockyard.yaml":            "version: 1\nbare_tags: true\n",
			"src/a/build/a.dockerfile": "FROM scratch\n",
		}, []string{"a"}},
		{"registry with domain and namespace", map[string]string{
			"dockyard.yaml":            "version: 1\nregistry: {domain: reg.example:5000, namespace: ns, tag: v1}\n",
			"src/a/build/a.dockerfile": "FROM scratch\n",
		}, []string{"reg.example:5000/ns/a:v1"}},
		{"own tags and whole references, with the bare name", map[string]string{
			"dockyard.yaml": "version: 1\nbare_tags: true\nregistry: {namespace: ns}\nimages:\n  - name: a\n    tags: [\"1.0\", other.example/x/a:2]\n",
			"Dockerfile":    "FROM scratch\n",
		}, []string{"a", "ns/a:1.0", "other.example/x/a:2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl, err := New(load(t, tt.files), Selection{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, pl.Images[0].Refs); diff != "" {
				t.Errorf("refs (-want +got):\n%s", diff)
			}
		})
	}
	_, err := New(load(t, map[string]string{
		"dockyard.yaml": "version: 1\nimages:\n  - name: a\n    tags: [\"Bad Tag\"]\n",
		"Dockerfile":    "FROM scratch\n",
	}), Selection{})
	if err == nil || !strings.Contains(err.Error(), `dockyard.yaml:3: image a: "a:Bad Tag" is not a valid image reference`) {
		t.Errorf("bad tag: %v", err)
	}
}
