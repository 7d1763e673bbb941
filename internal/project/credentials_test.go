package project

import (
	"strings"
	"testing"
)

// TestPasswordNeverABuildArg checks that a registry password from .env is
// no image's build arg, and that a Dockerfile declaring it as an ARG is an
// error at that line naming BuildKit secrets.
func TestPasswordNeverABuildArg(t *testing.T) {
	files := map[string]string{
		".env":                         "REG_PW=hunter2-s3cret\nVERSION=1.2\n",
		"dockyard.yaml":                "version: 1\nregistry: {domain: r.example, namespace: ns, username: ci, password_env: REG_PW}\n",
		"src/app/build/app.dockerfile": "FROM scratch\nARG VERSION\n",
	}
	p, err := load(t, repo(t, files), "")
	if err != nil {
		t.Fatal(err)
	}
	if args := p.Image("app").Args; args["VERSION"] != "1.2" || len(args) != 1 {
		t.Errorf("app's build args = %v, want only VERSION", args)
	}

	files["src/app/build/app.dockerfile"] = "FROM scratch\nARG VERSION\nRUN true\nARG USER REG_PW\n"
	_, err = load(t, repo(t, files), "")
	if err == nil {
		t.Fatal("no error for ARG REG_PW")
	}
	want := "src/app/build/app.dockerfile:4: ARG REG_PW: REG_PW holds a registry password (password_env); "
	if msg := err.Error(); !strings.HasPrefix(msg, want) || !strings.Contains(msg, "BuildKit secret") || strings.Contains(msg, "hunter2") {
		t.Errorf("error = %q\nwant prefix %q, the BuildKit secret way, and no password", msg, want)
	}
}
