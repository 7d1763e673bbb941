package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzParse feeds dockyard.yaml's reader anything, with a .env beside it:
// it must never panic, and a file it accepts is valid as Load promises.
// The seeds are the bundled examples' files and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../../examples/*/" + FileName)
	if len(seeds) == 0 {
		f.Fatal("no example dockyard.yaml to seed from")
	}
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	root := f.TempDir()
	env := "PREFIX=federatedai\nTAG=1.0\nBASE_TAG=1.0-release\nREG_PW=pw\n"
	if err := os.WriteFile(filepath.Join(root, ".env"), []byte(env), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parse(root, data)
		if err != nil {
			for _, line := range Lines(err) {
				if strings.TrimSpace(line) == "" {
					t.Fatalf("an empty line in the error %q", err)
				}
			}
			return
		}
		if c.Version != 1 || !slices.Contains(Engines, c.Engine) || !slices.Contains(Caches, c.Cache) || c.Jobs < 0 {
			t.Fatalf("accepted an invalid configuration: %+v", c)
		}
		for _, im := range c.Images {
			if !ValidImageName(im.Name) {
				t.Fatalf("accepted image name %q", im.Name)
			}
			for _, p := range []string{im.Context, im.Dockerfile} {
				if err := Inside(root, p); err != nil {
					t.Fatalf("accepted a path out of the repository: %v", err)
				}
			}
		}
	})
}

// FuzzParseEnv feeds the .env reader anything: it must never panic, every
// variable it accepts has a valid name, and the values it read come back
// the same when written out again in double quotes.
func FuzzParseEnv(f *testing.F) {
	if data, err := os.ReadFile("../../examples/fate/.env"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var e Env
		if err := parseEnv(data, ".env", &e); err != nil {
			for _, line := range Lines(err) {
				if !strings.HasPrefix(line, ".env:") {
					t.Fatalf("error line %q does not name the file and line", line)
				}
			}
		}
		var out strings.Builder
		for _, k := range e.Keys {
			if !validName(k) {
				t.Fatalf("accepted the name %q", k)
			}
			v := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "$", "$$").Replace(e.Values[k])
			out.WriteString(k + `="` + v + "\"\n")
		}
		var again Env
		if err := parseEnv([]byte(out.String()), ".env", &again); err != nil {
			t.Fatalf("reading back %q: %v", out.String(), err)
		}
		if !slices.Equal(e.Keys, again.Keys) {
			t.Fatalf("keys %q came back as %q", e.Keys, again.Keys)
		}
		for _, k := range e.Keys {
			if e.Values[k] != again.Values[k] {
				t.Fatalf("%s=%q came back as %q", k, e.Values[k], again.Values[k])
			}
		}
	})
}
