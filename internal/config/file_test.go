package config

import (
	"strings"
	"testing"
)

func TestLoadFileNamesItsFile(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"ci/dockyard.yml": "version: 1\nengine: docker\n",
		"bad.yaml":        "version: 1\nengin: docker\n",
	})
	c, err := LoadFile(dir, "ci/dockyard.yml", "ci/dockyard.yml")
	if err != nil {
		t.Fatal(err)
	}
	if c.File != "ci/dockyard.yml" || c.Engine != "docker" {
		t.Errorf("File = %q, Engine = %q", c.File, c.Engine)
	}
	_, err = LoadFile(dir, "bad.yaml", "bad.yaml")
	if err == nil || !strings.HasPrefix(err.Error(), `bad.yaml:2: unknown key "engin" (did you mean "engine"?)`) {
		t.Errorf("error = %v", err)
	}
	if _, err := LoadFile(dir, "missing.yaml", "missing.yaml"); err == nil {
		t.Error("a missing file loaded")
	}
}

// TestEnvInterpolation: .env values expand variables as Compose's do, from
// the lines above and the environment; single quotes keep them as written.
func TestEnvInterpolation(t *testing.T) {
	t.Setenv("UX_FROM_ENV", "env")
	var e Env
	err := parseEnv([]byte("A=1\nB=${A}-x\nC='${A}'\nD=\"$$A\"\nE=${UX_NOPE:-d}\nF=$UX_NOPE\nG=${UX_FROM_ENV}/$A\n"), ".env", &e)
	if err == nil || err.Error() != ".env:6: F: variable UX_NOPE is not set (define it in .env or the environment, or write ${UX_NOPE:-default})" {
		t.Errorf("error = %v", err)
	}
	for k, want := range map[string]string{"B": "1-x", "C": "${A}", "D": "$A", "E": "d", "G": "env/1"} {
		if got := e.Values[k]; got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}
