package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var tierRepo = map[string]string{
	".env": "PREFIX=fate\nTAG=1.0\nBASE_TAG=0.9\n",
	"dockyard.yaml": `version: 1
registry: {domain: one.example:5000, namespace: "${PREFIX}"}
registries:
  - {domain: two.example, namespace: mirror}
tags: ["${TAG}", "{git}", "k-{key}"]
tiers:
  - images: [base]
    tags: ["${BASE_TAG}", other.example/x/base:pinned]
`,
	"src/base/build/base.dockerfile": "FROM scratch\n",
	"src/app/build/app.dockerfile":   "FROM base\n",
}

func TestTagPolicyRefs(t *testing.T) {
	p := load(t, tierRepo)
	p.Config.Commit = "abc1234-dirty"
	pl, err := New(p, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	base, app := &pl.Images[0], &pl.Images[1]
	if diff := cmp.Diff([]string{"one.example:5000/fate/base:0.9", "two.example/mirror/base:0.9", "other.example/x/base:pinned"}, base.Refs); diff != "" {
		t.Errorf("base: tier tags in both registries, the whole reference once (-want +got):\n%s", diff)
	}
	wantApp := []string{"one.example:5000/fate/app:1.0", "two.example/mirror/app:1.0",
		"one.example:5000/fate/app:abc1234-dirty", "two.example/mirror/app:abc1234-dirty"}
	if diff := cmp.Diff(wantApp, app.Refs); diff != "" {
		t.Errorf("app before its key (-want +got):\n%s", diff)
	}
	if base.NeedsKey() || !app.NeedsKey() {
		t.Errorf("NeedsKey: base %v, app %v", base.NeedsKey(), app.NeedsKey())
	}
	key := strings.Repeat("ab", 32)
	if err := app.AddKeyRefs("sha256:" + key); err != nil {
		t.Fatal(err)
	}
	wantApp = append(wantApp, "one.example:5000/fate/app:k-"+key, "two.example/mirror/app:k-"+key)
	if diff := cmp.Diff(wantApp, app.Refs); diff != "" {
		t.Errorf("app with its key (-want +got):\n%s", diff)
	}
	if app.NeedsKey() {
		t.Error("still waits for the key")
	}
}

func TestGitTagNeedsCommit(t *testing.T) {
	_, err := New(load(t, tierRepo), Selection{Images: []string{"app"}})
	if err == nil || !strings.Contains(err.Error(), `image app: tag "{git}" needs the git commit, and the repository is not a git work tree`) {
		t.Errorf("err = %v", err)
	}
}
