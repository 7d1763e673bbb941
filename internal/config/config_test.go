package config

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockyard-build/dockyard/internal/testenv"
	"github.com/google/go-cmp/cmp"
)

var writeFiles = testenv.WriteFiles

func TestLoadDefaultsWithoutFile(t *testing.T) {
	c, err := Load(writeFiles(t, map[string]string{".env": "TAG=1.0\n"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Src != "src" || c.Engine != "auto" || c.Registry.Tag != "latest" || c.File != "" {
		t.Errorf("defaults: %+v", c)
	}
	if v, _ := c.Env.Lookup("TAG"); v != "1.0" {
		t.Errorf("TAG = %q, want 1.0", v)
	}
}

func TestLoadFull(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"deploy/fate.env": "PREFIX=federatedai\nBASE_TAG=1.0-release\nexport TAG='2.0 release'\n",
		FileName: `version: 1
env_files: [deploy/fate.env]
registry:
  domain: registry.local:5000
  namespace: ${PREFIX}
  tag: ${TAG_OVERRIDE:-v2}
  password_env: REG_PASSWORD
args: {MIRROR: "$${NOT_EXPANDED}"}
images:
  - name: base-image
    context: docker/base
    tags: ["${BASE_TAG}"]
  - name: python
    context: docker/modules/python
    dockerfile: docker/modules/python/Dockerfile.amd64
    depends: [base-image]
`,
	})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := Registry{Domain: "registry.local:5000", Namespace: "federatedai", Tag: "v2", PasswordEnv: "REG_PASSWORD"}
	if diff := cmp.Diff(want, c.Registry); diff != "" {
		t.Errorf("registry (-want +got):\n%s", diff)
	}
	if c.Args["MIRROR"] != "${NOT_EXPANDED}" {
		t.Errorf("$$ not kept literal: %q", c.Args["MIRROR"])
	}
	wantImages := []Image{
		{Name: "base-image", Context: "docker/base", Dockerfile: "docker/base/Dockerfile", Tags: []string{"1.0-release"}, Line: 10},
		{Name: "python", Context: "docker/modules/python", Dockerfile: "docker/modules/python/Dockerfile.amd64", Depends: []Ref{{"base-image", 16}}, Line: 13},
	}
	if diff := cmp.Diff(wantImages, c.Images); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
	if v, _ := c.Env.Lookup("TAG"); v != "2.0 release" {
		t.Errorf("quoted .env value = %q", v)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // each a line of the error
	}{
		{"unknown key", map[string]string{FileName: "version: 1\nregistry:\n  domian: x\n"},
			[]string{`dockyard.yaml:3: unknown key "registry.domian"`}},
		{"unknown top key with hint", map[string]string{FileName: "version: 1\nenv-files: [a]\n"},
			[]string{`dockyard.yaml:2: unknown key "env-files" (did you mean "env_files"?)`}},
		{"unknown image key", map[string]string{FileName: "version: 1\nimages:\n  - name: a\n    contxt: .\n"},
			[]string{`dockyard.yaml:4: unknown key "images.contxt"`}},
		{"inline password", map[string]string{FileName: "version: 1\nregistry:\n  password: hunter2\n"},
			[]string{`dockyard.yaml:3: registry.password: a secret does not belong in dockyard.yaml`}},
		{"wrong version", map[string]string{FileName: "version: 2\n"},
			[]string{`dockyard.yaml:1: version must be 1 (got 2)`}},
		{"bad yaml", map[string]string{FileName: "version: 1\nimages: [\n"},
			[]string{`dockyard.yaml:`}},
		{"wrong type", map[string]string{FileName: "version: 1\njobs: many\n"},
			[]string{`dockyard.yaml:2: cannot unmarshal`}},
		{"unset variable", map[string]string{FileName: "version: 1\nregistry:\n  tag: ${NOPE_NOT_SET}\n"},
			[]string{`dockyard.yaml:3: variable NOPE_NOT_SET is not set`}},
		{"duplicate image", map[string]string{FileName: "version: 1\nimages:\n  - name: a\n  - name: a\n"},
			[]string{`dockyard.yaml:4: image "a" is declared twice (first at line 3)`}},
		{"bad image name", map[string]string{FileName: "version: 1\nimages:\n  - name: Base\n"},
			[]string{`dockyard.yaml:3: image name "Base" must be lower case`}},
		{"escaping context", map[string]string{FileName: "version: 1\nimages:\n  - name: a\n    context: ../outside\n"},
			[]string{`dockyard.yaml:3: image a: path "../outside" escapes the repository`}},
		{"escaping config_dir", map[string]string{FileName: "version: 1\nconfig_dir: ../cluster\n"},
			[]string{`dockyard.yaml:2: config_dir: path "../cluster" escapes the repository`}},
		{"bad engine", map[string]string{FileName: "version: 1\nengine: podman\n"},
			[]string{`dockyard.yaml:2: engine "podman" is not one of auto, docker, embedded`}},
		{"bad cache", map[string]string{FileName: "version: 1\ncache: remote\n"},
			[]string{`dockyard.yaml:2: cache "remote" is not one of local, registry, off`}},
		{"bad env line", map[string]string{FileName: "version: 1\n", ".env": "A=1\nthis is wrong\n"},
			[]string{`.env:2: expected KEY=VALUE`}},
		{"missing env file", map[string]string{FileName: "version: 1\nenv_files: [nope.env]\n"},
			[]string{`dockyard.yaml: env_files: nope.env does not exist`}},
		{"two problems at once", map[string]string{FileName: "version: 1\nfoo: 1\nbar: 2\n"},
			[]string{`dockyard.yaml:2: unknown key "foo"`, `dockyard.yaml:3: unknown key "bar"`}},
		{"an unknown key hides nothing", map[string]string{FileName: "version: 2\nfoo: 1\nengine: podman\njobs: many\nregistry:\n  tag: ${NOPE_NOT_SET}\n  domian: x\n"},
			[]string{`dockyard.yaml:6: variable NOPE_NOT_SET is not set`, `dockyard.yaml:2: unknown key "foo"`, `dockyard.yaml:7: unknown key "registry.domian"`,
				`dockyard.yaml:4: cannot unmarshal`, `dockyard.yaml:1: version must be 1 (got 2)`, `dockyard.yaml:3: engine "podman" is not one of`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeFiles(t, tt.files))
			if err == nil {
				t.Fatal("no error")
			}
			lines := Lines(err)
			if len(lines) != len(tt.want) {
				t.Fatalf("got %d lines, want %d:\n%v", len(lines), len(tt.want), err)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Error("error prints the secret")
			}
		})
	}
}

func TestRegistryRef(t *testing.T) {
	tests := []struct {
		reg       Registry
		name, tag string
		want      string
	}{
		{Registry{Domain: "reg.io", Namespace: "openpai"}, "rest-server", "v1", "reg.io/openpai/rest-server:v1"},
		{Registry{Domain: "public", Namespace: "openpai"}, "rest-server", "v1", "openpai/rest-server:v1"},
		{Registry{Namespace: "federatedai"}, "python", "1.0", "federatedai/python:1.0"},
		{Registry{Domain: "reg.io"}, "x", "latest", "reg.io/x:latest"},
		{Registry{Domain: "reg.io"}, "x", "other.io/ns/x:2", "other.io/ns/x:2"},
		{Registry{}, "x", "1.0", "x:1.0"},
	}
	for _, tt := range tests {
		if got := tt.reg.Ref(tt.name, tt.tag); got != tt.want {
			t.Errorf("%+v.Ref(%q, %q) = %q, want %q", tt.reg, tt.name, tt.tag, got, tt.want)
		}
	}
	if (Registry{Domain: "public"}).Configured() {
		t.Error("a public domain alone should not configure a registry")
	}
}

func TestLoadPai(t *testing.T) {
	tests := []struct {
		name, body string
		want       Registry
	}{
		{"new format", "cluster:\n  common: {cluster-type: k8s}\n  docker-registry:\n    namespace: openpai\n    domain: docker.io\n    username: u\n    password: p4ss\n    tag: v0.14\n",
			Registry{Domain: "docker.io", Namespace: "openpai", Tag: "v0.14", Username: "u", Password: "p4ss"}},
		{"legacy format, default tag", "cluster:\n  clusterid: x\n  docker-registry-info:\n    docker-namespace: ns\n    docker-registry-domain: public\n    docker-password: p4ss\n",
			// pai 0.5's "public" is Docker's default registry: no domain.
			Registry{Namespace: "ns", Tag: "latest", Password: "p4ss"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadPai(writeFiles(t, map[string]string{PaiFileName: tt.body}))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	_, err := LoadPai(writeFiles(t, map[string]string{PaiFileName: "cluster: {}\n"}))
	if err == nil || !strings.Contains(err.Error(), "no cluster.docker-registry") {
		t.Errorf("missing section: %v", err)
	}
}

func TestSecretNeverPrints(t *testing.T) {
	r := Registry{Username: "u", Password: "hunter2"}
	if s := fmt.Sprintf("%v %+v %#v %s", r, r, r, r.Password); strings.Contains(s, "hunter2") {
		t.Errorf("secret printed: %s", s)
	}
}

func TestEnvironmentWinsOverEnvFile(t *testing.T) {
	t.Setenv("DOCKYARD_TEST_TAG", "2.0")
	c, err := Load(writeFiles(t, map[string]string{".env": "DOCKYARD_TEST_TAG=1.0\n", FileName: "version: 1\nregistry: {tag: $DOCKYARD_TEST_TAG}\n"}))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := c.Env.Lookup("DOCKYARD_TEST_TAG"); v != "2.0" || c.Registry.Tag != "2.0" {
		t.Errorf("env file value %q, tag %q; want both 2.0", v, c.Registry.Tag)
	}
}

// TestImageFileProblems reads an image.yaml with an unknown key and other
// problems: every one is reported, each at its line.
func TestImageFileProblems(t *testing.T) {
	dir := writeFiles(t, map[string]string{"image.yaml": "prerequisit: [base]\ncopy-list:\n  - src: ../../etc\n    dst: etc\n  - src: a\n"})
	_, err := LoadImageFile(filepath.Join(dir, "image.yaml"), "src/x/image.yaml", "src/x", ".")
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		`src/x/image.yaml:1: unknown key "prerequisit" (did you mean "prerequisite"?)`,
		`src/x/image.yaml:3: copy-list: `,
		`src/x/image.yaml:5: copy-list entries need both src and dst`,
	}
	lines := Lines(err)
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
}

func TestLoadPaiValues(t *testing.T) {
	dir := writeFiles(t, map[string]string{PaiFileName: "cluster:\n  clusterid: c1\n  data-path: /data\n  docker-verison: 17.06.2\n  docker-registry-info:\n    docker-namespace: openpai\nhadoop:\n  hadoop-version: 2.7.2\n"})
	got, err := LoadPaiValues(dir)
	if err != nil {
		t.Fatal(err)
	}
	cc := got["clusterconfig"].(map[string]any)
	info := cc["clusterinfo"].(map[string]any)
	for key, want := range map[string]any{"data-path": "/data", "data_path": "/data", "datapath": "/data", "dataPath": "/data", "dockerverison": "17.06.2"} {
		if info[key] != want {
			t.Errorf("clusterinfo[%q] = %v, want %v", key, info[key], want)
		}
	}
	if ns := info["dockerregistryinfo"].(map[string]any)["docker_namespace"]; ns != "openpai" {
		t.Errorf("docker_namespace = %v", ns)
	}
	if v := info["hadoopinfo"].(map[string]any)["hadoopversion"]; v != "2.7.2" {
		t.Errorf("hadoopversion = %v", v)
	}
	if cc["clusterID"] != "c1" {
		t.Errorf("clusterID = %v", cc["clusterID"])
	}
	if _, err := LoadPaiValues(writeFiles(t, map[string]string{PaiFileName: "hadoop: {}\n"})); err == nil || !strings.Contains(err.Error(), "no cluster section") {
		t.Errorf("missing cluster: %v", err)
	}
}
