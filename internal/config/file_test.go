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
