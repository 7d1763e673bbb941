package project

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dockyard-build/dockyard/internal/config"
)

// parents summarises each image's parents as "name=ref~matched" and its
// bases as "base:ref".
func parents(p *Project) map[string]string {
	out := map[string]string{}
	for _, im := range p.Images {
		var parts []string
		for _, par := range im.Parents {
			parts = append(parts, par.Name+"="+par.Ref+"~"+par.Matched)
		}
		for _, b := range im.Bases {
			parts = append(parts, "base:"+b)
		}
		out[im.Name] = strings.Join(parts, " ")
	}
	return out
}

func TestMatching(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		override []string
		want     map[string]string
	}{{
		name: "a FATE tier chain with a registry domain and namespace",
		files: map[string]string{
			".env": "PREFIX=federatedai\nTAG=1.6.1-release\nBASE_TAG=1.0-release\n",
			"dockyard.yaml": `version: 1
registry: {domain: "127.0.0.1:5000", namespace: "${PREFIX}", tag: "${TAG}"}
tiers: [{images: [os-base, base-image], tags: ["${BASE_TAG}"]}]
images:
  - {name: os-base, context: os}
  - {name: base-image, context: base}
  - {name: python, context: python}
  - {name: client, context: client}
`,
			"os/Dockerfile":     "FROM scratch\n",
			"base/Dockerfile":   "ARG PREFIX\nARG BASE_TAG\nFROM ${PREFIX}/os-base:${BASE_TAG}\n",
			"python/Dockerfile": "ARG PREFIX\nARG BASE_TAG\nFROM ${PREFIX}/base-image:${BASE_TAG}\n",
			"client/Dockerfile": "FROM python:3.6 AS tools\nFROM 127.0.0.1:5000/federatedai/python:1.6.1-release\nCOPY --from=tools /x /x\n",
		},
		want: map[string]string{
			"os-base":    "",
			"base-image": "os-base=federatedai/os-base:1.0-release~127.0.0.1:5000/federatedai/os-base:1.0-release",
			"python":     "base-image=federatedai/base-image:1.0-release~127.0.0.1:5000/federatedai/base-image:1.0-release",
			"client":     "python=127.0.0.1:5000/federatedai/python:1.6.1-release~127.0.0.1:5000/federatedai/python:1.6.1-release base:python:3.6",
		},
	}, {
		name: "a module named like a public image, and exact tags",
		files: map[string]string{
			"dockyard.yaml": `version: 1
name: demo
images:
  - {name: python, context: python, tags: ["1.6.1-release"]}
  - {name: app, context: app}
  - {name: slim, context: slim, tags: ["1.2-alpine-slim"]}
  - {name: user, context: user}
  - {name: lib, context: lib}
`,
			"python/Dockerfile": "FROM scratch\n",
			"app/Dockerfile":    "FROM python:3.8-slim\nCOPY --from=docker.io/library/python:1.6.1-release /a /a\n",
			"slim/Dockerfile":   "FROM scratch\n",
			"user/Dockerfile":   "FROM slim:1.2-alpine-slim\nRUN --mount=type=bind,from=demo-lib:latest,target=/l true\n",
			"lib/Dockerfile":    "FROM python\n",
		},
		want: map[string]string{
			"python": "",
			"app":    "python=docker.io/library/python:1.6.1-release~python:1.6.1-release base:python:3.8-slim",
			"slim":   "",
			"user":   "lib=demo-lib:latest~demo-lib:latest slim=slim:1.2-alpine-slim~slim:1.2-alpine-slim",
			"lib":    "python=python~bare name",
		},
	}, {
		name: "external patterns win",
		files: map[string]string{
			"dockyard.yaml":                      "version: 1\nexternal: [\"python\", \"python:*\"]\n",
			"src/python/build/python.dockerfile": "FROM scratch\n",
			"src/app/build/app.dockerfile":       "FROM python\nCOPY --from=python:latest /a /a\n",
		},
		want: map[string]string{"python": "", "app": "base:python base:python:latest"},
	}, {
		name: "--tag keeps the configured tags the FROM lines use",
		files: map[string]string{
			".env":                           "TAG=1.0\n",
			"dockyard.yaml":                  "version: 1\nregistry: {namespace: ns, tag: \"${TAG}\"}\n",
			"src/base/build/base.dockerfile": "FROM scratch\n",
			"src/app/build/app.dockerfile":   "ARG TAG\nFROM ns/base:${TAG}\n",
			"src/new/build/new.dockerfile":   "FROM ns/base:test\n",
		},
		override: []string{"test"},
		want: map[string]string{
			"base": "",
			"app":  "base=ns/base:1.0~ns/base:1.0",
			"new":  "base=ns/base:test~ns/base:test",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := repo(t, tt.files)
			cfg, err := config.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Override = tt.override
			p, err := Load(dir, cfg, "")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, parents(p)); diff != "" {
				t.Errorf("parents (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAmbiguousReference(t *testing.T) {
	dir := repo(t, map[string]string{
		"dockyard.yaml": "version: 1\nregistry: {namespace: ns, tag: \"1\"}\nimages:\n  - {name: a, tags: [ns/b:1]}\n  - {name: b}\n",
		"Dockerfile":    "FROM scratch\n",
	})
	_, err := load(t, dir, "")
	if err == nil || !strings.Contains(err.Error(), "dockyard.yaml:5: image b: reference ns/b:1 is also image a's") {
		t.Errorf("err = %v", err)
	}
}
