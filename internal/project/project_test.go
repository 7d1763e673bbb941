package project

import (
	"strings"
	"testing"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/testenv"
	"github.com/google/go-cmp/cmp"
)

var repo = testenv.WriteFiles

func load(t *testing.T, dir, variant string) (*Project, error) {
	t.Helper()
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return Load(dir, cfg, variant)
}

// summary is what a test compares: each image's parents with why, and bases.
func summary(p *Project) map[string]string {
	out := map[string]string{}
	for _, im := range p.Images {
		var parts []string
		for _, par := range im.Parents {
			parts = append(parts, par.Name+"<"+par.Via+"@"+par.At.String())
		}
		for _, b := range im.Bases {
			parts = append(parts, "base:"+b)
		}
		out[im.Name] = strings.Join(parts, " ")
	}
	return out
}

func TestLoadLayouts(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		variant string
		want    map[string]string
	}{
		{
			name: "components with FROM, dep file and variants",
			files: map[string]string{
				"src/base/build/base-image.dockerfile":      "FROM scratch\n",
				"src/web/build/web.dockerfile":              "FROM base-image\n",
				"src/web/build/web-proxy.common.dockerfile": "FROM reg.io:5000/ns/base-image:v2\n",
				"src/web/build/web.k8s.dockerfile":          "FROM busybox\n",
				"src/web/build/component.dep":               "# what web copies in\n\nlib\n",
				"src/lib/build/lib.dockerfile":              "FROM base-image AS b\nFROM alpine:3\nCOPY --from=b /x /x\n",
				"src/lib/build/lib.yarn.dockerfile":         "FROM scratch\n",
				"src/not-a-component/README.md":             "hi",
				"src/base/build/build-pre.sh":               "true\n",
			},
			want: map[string]string{
				"base-image": "",
				"lib":        "base-image<FROM@src/lib/build/lib.dockerfile:1 base:alpine:3",
				"web":        "base-image<FROM@src/web/build/web.dockerfile:1 lib<component.dep@src/web/build/component.dep:3",
				// Another registry's base-image is not the project's.
				"web-proxy": "lib<component.dep@src/web/build/component.dep:3 base:reg.io:5000/ns/base-image:v2",
			},
		},
		{
			name: "the selected variant replaces the plain Dockerfile",
			files: map[string]string{
				"src/web/build/web.dockerfile":     "FROM base-image\n",
				"src/web/build/web.k8s.dockerfile": "FROM busybox\n",
			},
			variant: "k8s",
			want:    map[string]string{"web": "base:busybox"},
		},
		{
			name: "image folders with prerequisite",
			files: map[string]string{
				"src/base-image/Dockerfile": "FROM scratch\n",
				"src/base-image/image.yaml": "",
				"src/rest/dockerfile":       "FROM ubuntu\n",
				"src/rest/image.yaml":       "prerequisite: base-image\ncopy-list:\n  - src: src/shared\n    dst: src/rest/shared\n",
			},
			want: map[string]string{"base-image": "", "rest": "base-image<prerequisite@src/rest/image.yaml:1 base:ubuntu"},
		},
		{
			name: "explicit images with BASE_IMAGE args from .env",
			files: map[string]string{
				".env":                     "PREFIX=federatedai\nBASE_TAG=1.0\n",
				"dockyard.yaml":            "version: 1\nregistry: {namespace: \"${PREFIX}\", tag: \"${BASE_TAG}\"}\nimages:\n  - name: base-image\n    context: docker/base\n  - name: python\n    context: docker/python\n    args: {BASE_IMAGE: base-image}\n  - name: client\n    context: docker/client\n    depends: [python]\n",
				"docker/base/Dockerfile":   "FROM scratch\n",
				"docker/python/Dockerfile": "ARG PREFIX\nARG BASE_IMAGE\nARG BASE_TAG\nFROM ${PREFIX}/${BASE_IMAGE}:${BASE_TAG}\n",
				"docker/client/Dockerfile": "FROM scratch\n",
			},
			want: map[string]string{"base-image": "", "python": "base-image<FROM@docker/python/Dockerfile:4", "client": "python<depends@dockyard.yaml:11"},
		},
		{
			name: "an image FROM the upstream image of its own name is not its own parent",
			files: map[string]string{
				"src/nginx/build/nginx.dockerfile": "FROM nginx:1.25\n",
			},
			want: map[string]string{"nginx": "base:nginx:1.25"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := load(t, repo(t, tt.files), tt.variant)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summary(p)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadDetails(t *testing.T) {
	dir := repo(t, map[string]string{
		".env":                               "TAG=1.0\nUNUSED=x\n",
		"src/web/build/web.dockerfile":       "ARG TAG\nFROM scratch\nARG LATE\n",
		"src/web/build/build-pre.sh":         "true\n",
		"src/web/build/build-post.sh":        "true\n",
		"src/web/build/web.other.dockerfile": "FROM scratch\n",
	})
	p, err := load(t, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	im := p.Image("web")
	if diff := cmp.Diff(map[string]string{"TAG": "1.0"}, im.Args); diff != "" {
		t.Errorf("args: only declared .env variables pass (-want +got):\n%s", diff)
	}
	c := p.Component("web")
	if c.PreHook != "src/web/build/build-pre.sh" || c.PostHook != "src/web/build/build-post.sh" || c.Dir != "src/web" {
		t.Errorf("component: %+v", c)
	}
	if im.Context != "src/web" || im.Dockerfile != "src/web/build/web.dockerfile" || im.Kind != KindComponent {
		t.Errorf("image: %+v", im)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"unknown component in dep file", map[string]string{
			"src/web/build/web.dockerfile": "FROM scratch\n",
			"src/web/build/component.dep":  "\nwbe\n",
		}, `src/web/build/component.dep:2: unknown component "wbe" (did you mean "web"?)`},
		{"dep path escapes", map[string]string{
			"src/web/build/web.dockerfile": "FROM scratch\n",
			"src/web/build/components.dep": "../../etc\n",
		}, `src/web/build/components.dep:1: "../../etc" is a path, not a component name`},
		{"duplicate image across components", map[string]string{
			"src/a/build/x.dockerfile": "FROM scratch\n",
			"src/b/build/x.dockerfile": "FROM scratch\n",
		}, `src/b/build/x.dockerfile: image "x" is also declared by src/a/build/x.dockerfile`},
		{"duplicate image across layouts", map[string]string{
			"src/a/build/x.dockerfile": "FROM scratch\n",
			"dockyard.yaml":            "version: 1\nimages:\n  - name: x\n    context: .\n",
			"Dockerfile":               "FROM scratch\n",
		}, `dockyard.yaml:3: image "x" is also declared by src/a/build/x.dockerfile`},
		{"malformed Dockerfile", map[string]string{
			"src/a/build/a.dockerfile": "FROM scratch\nCOPY\n",
		}, `src/a/build/a.dockerfile:2:`},
		{"unknown prerequisite", map[string]string{
			"src/a/Dockerfile": "FROM scratch\n",
			"src/a/image.yaml": "prerequisite: nope\n",
		}, `src/a/image.yaml:1: unknown image "nope"`},
		{"copy-list escapes", map[string]string{
			"src/a/Dockerfile": "FROM scratch\n",
			"src/a/image.yaml": "copy-list:\n  - src: ../../secret\n    dst: src/a/x\n",
		}, `src/a/image.yaml:2: copy-list: path "../../secret" escapes the repository`},
		{"image.yaml unknown key", map[string]string{
			"src/a/Dockerfile": "FROM scratch\n",
			"src/a/image.yaml": "prerequisit: base\n",
		}, `src/a/image.yaml:1: unknown key "prerequisit"`},
		{"image folder without Dockerfile", map[string]string{
			"src/a/image.yaml": "",
		}, `src/a/image.yaml: image folder has no Dockerfile`},
		{"explicit image without Dockerfile", map[string]string{
			"dockyard.yaml": "version: 1\nimages:\n  - name: x\n    context: docker/x\n",
		}, `dockyard.yaml:3: image x: dockerfile docker/x/Dockerfile does not exist`},
		{"unknown depends", map[string]string{
			"dockyard.yaml": "version: 1\nimages:\n  - name: x\n    depends: [y]\n",
			"Dockerfile":    "FROM scratch\n",
		}, `dockyard.yaml:4: unknown image "y"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, repo(t, tt.files), "")
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %q\nwant prefix %q", err, tt.want)
			}
		})
	}
}

func TestOnlyDeclaredArgs(t *testing.T) {
	dir := repo(t, map[string]string{
		".env":             "FROM_ENV=e\n",
		"dockyard.yaml":    "version: 1\nargs: {SHARED: s}\nimages:\n  - {name: uses, context: uses, args: {OWN: o, UNUSED: u}}\n  - {name: other, context: other}\n",
		"uses/Dockerfile":  "ARG FROM_ENV\nFROM scratch\nARG SHARED\nARG OWN\n",
		"other/Dockerfile": "FROM scratch\n",
	})
	p, err := load(t, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"FROM_ENV": "e", "SHARED": "s", "OWN": "o"}, p.Image("uses").Args); diff != "" {
		t.Errorf("uses: the declared args (-want +got):\n%s", diff)
	}
	if len(p.Image("other").Args) != 0 {
		t.Errorf("other gets args it does not declare: %v", p.Image("other").Args)
	}
}
