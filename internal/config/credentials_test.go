package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPasswordArgs checks that no args entry can carry a registry
// password, by name or by reference, and that each is reported at its line
// with the way to pass a password instead.
func TestPasswordArgs(t *testing.T) {
	files := map[string]string{
		".env": "REG_PW=hunter2-s3cret\nMIRROR_PW=pw2\nMIRROR=http://mirror\n",
		FileName: `version: 1
registry: {domain: r.example, namespace: ns, username: ci, password_env: REG_PW}
registries:
  - {domain: m.example, namespace: ns, password_env: MIRROR_PW}
args:
  REG_PW: x
  MIRROR: ${MIRROR}
images:
  - name: a
    args:
      TOKEN: "user:${REG_PW}"
      OTHER: $MIRROR_PW
`,
	}
	_, err := Load(writeFiles(t, files))
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		"dockyard.yaml:6: args: REG_PW is the variable of a registry password (password_env); ",
		"dockyard.yaml:11: args: TOKEN uses $REG_PW, a registry password (password_env); ",
		"dockyard.yaml:12: args: OTHER uses $MIRROR_PW, a registry password (password_env); ",
	}
	lines := Lines(err)
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) || !strings.Contains(lines[i], "BuildKit secret") {
			t.Errorf("line %d = %q, want prefix %q and the BuildKit secret way", i, lines[i], w)
		}
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Error("the error prints the password")
	}
}

func TestPasswordVars(t *testing.T) {
	c := &Config{Registry: Registry{PasswordEnv: "A"}, Registries: []Registry{{PasswordEnv: "B"}, {PasswordEnv: "A"}, {}}}
	if diff := cmp.Diff([]string{"A", "B"}, c.PasswordVars()); diff != "" {
		t.Errorf("PasswordVars (-want +got):\n%s", diff)
	}
}
