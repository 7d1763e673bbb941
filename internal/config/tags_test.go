package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTagsFor(t *testing.T) {
	c, err := Load(writeFiles(t, map[string]string{
		".env": "TAG=1.0\nBASE_TAG=0.9\nBUILDER_TAG=0.8\n",
		FileName: `version: 1
registry: {namespace: fate}
tags: ["${TAG}", "{git}"]
tiers:
  - images: [base-image]
    tags: ["${BASE_TAG}"]
  - images: ["*-builder", "tools"]
    tags: ["${BUILDER_TAG}", latest]
`,
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		own  []string
		want []string
	}{
		{"python", nil, []string{"1.0", "{git}"}},
		{"base-image", nil, []string{"0.9"}},
		{"storage-builder", nil, []string{"0.8", "latest"}},
		{"tools", nil, []string{"0.8", "latest"}},
		{"base-image", []string{"own"}, []string{"own"}},
	} {
		if diff := cmp.Diff(tt.want, c.TagsFor(tt.name, tt.own)); diff != "" {
			t.Errorf("TagsFor(%s, %v) (-want +got):\n%s", tt.name, tt.own, diff)
		}
	}
	if !c.UsesTag(TagGit) || c.UsesTag(TagKey) {
		t.Errorf("UsesTag: git %v, key %v", c.UsesTag(TagGit), c.UsesTag(TagKey))
	}

	// Without a registry and a policy, registry.tag names nothing.
	if got := Default().TagsFor("x", nil); got != nil {
		t.Errorf("no registry: %v", got)
	}
	c = Default()
	c.Registries = []Registry{{Domain: "mirror.example:5000"}}
	if diff := cmp.Diff([]string{"latest"}, c.TagsFor("x", nil)); diff != "" {
		t.Errorf("extra registry only (-want +got):\n%s", diff)
	}
}

func TestTagErrors(t *testing.T) {
	for _, tt := range []struct{ name, file, want string }{
		{"unknown placeholder", "version: 1\ntags: [\"{branch}\"]\n", `dockyard.yaml:2: tags: tag "{branch}": unknown placeholder; known: {git}, {key}`},
		{"bad tag", "version: 1\nregistry: {tag: \"v 1\"}\n", `dockyard.yaml:2: registry.tag: "v 1" is not a valid image tag`},
		{"placeholder in a bad tag", "version: 1\ntags: [\"{git}!\"]\n", `dockyard.yaml:2: tags: "{git}!" is not a valid image tag`},
		{"tier without tags", "version: 1\ntiers:\n  - images: [a]\n", `dockyard.yaml:3: tiers[0]: a tier needs images and tags`},
		{"bad pattern", "version: 1\ntiers:\n  - images: [\"[a\"]\n    tags: [x]\n", `dockyard.yaml:3: tiers[0]: image pattern "[a": syntax error in pattern`},
		{"registry without a place", "version: 1\nregistries:\n  - {username: u}\n", `dockyard.yaml:3: registries[0]: a registry needs a domain or a namespace`},
		{"registry with a tag", "version: 1\nregistries:\n  - {domain: r.example, tag: x}\n", `dockyard.yaml:3: registries[0]: tag: every registry gets the same tags`},
		{"inline password", "version: 1\nregistries:\n  - {domain: r.example, password: hunter2}\n", `dockyard.yaml:3: registries.password: a secret does not belong in dockyard.yaml`},
		{"unknown key", "version: 1\ntiers:\n  - images: [a]\n    tag: [x]\n", `dockyard.yaml:4: unknown key "tiers.tag" (did you mean "tags"?)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeFiles(t, map[string]string{FileName: tt.file}))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant %s", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Error("the error prints the secret")
			}
		})
	}
}

func TestCredentials(t *testing.T) {
	env := map[string]string{"USER_VAR": "from-env", "PW_VAR": "pw"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	for _, tt := range []struct {
		reg              Registry
		user, pass, from string
	}{
		{Registry{Username: "u", PasswordEnv: "PW_VAR"}, "u", "pw", "$PW_VAR"},
		{Registry{UsernameEnv: "USER_VAR", PasswordEnv: "PW_VAR", Password: "pai"}, "from-env", "pw", "$PW_VAR"},
		{Registry{Username: "u", PasswordEnv: "UNSET", Password: "pai"}, "u", "pai", "pai's services-configuration.yaml"},
		{Registry{Username: "u"}, "", "", ""},
	} {
		user, pass, from := tt.reg.Credentials(lookup)
		if user != tt.user || string(pass) != tt.pass || from != tt.from {
			t.Errorf("%+v: got %q %q %q, want %q %q %q", tt.reg, user, pass, from, tt.user, tt.pass, tt.from)
		}
	}
}

func TestWholeReferences(t *testing.T) {
	c := &Config{Registry: Registry{Namespace: "ns"}}
	got := c.RefTemplates("fate", []string{"1.0", "fate:latest", "other/fate:2"})
	want := []string{"ns/fate:1.0", "fate:latest", "other/fate:2"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("RefTemplates = %v, want %v", got, want)
	}
	if err := CheckTag("fate:latest"); err != nil {
		t.Errorf("CheckTag(fate:latest) = %v", err)
	}
}
