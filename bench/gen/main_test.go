package main

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	st, err := generate(options{images: 50, components: 20, dir: dir, seed: 1, runWork: 100})
	if err != nil {
		t.Fatal(err)
	}

	var dockerfiles, files int
	comps := map[string]bool{}
	var deps []string
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		rel, _ := filepath.Rel(dir, path)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		switch {
		case strings.HasSuffix(path, ".dockerfile"):
			dockerfiles++
			comps[parts[1]] = true
		case d.Name() == "component.dep":
			deps = append(deps, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Per image a Dockerfile and a file to COPY; base's two hooks;
	// dockyard.yaml, .gitignore and the marker; one file per component.dep.
	if want := 2*50 + 2 + 3 + len(deps); files != want {
		t.Errorf("got %d files, want %d", files, want)
	}
	if dockerfiles != 50 || st.images != 50 {
		t.Errorf("got %d Dockerfiles (stats: %d images), want 50", dockerfiles, st.images)
	}
	if len(comps) != 20 || st.components != 20 {
		t.Errorf("got %d components with Dockerfiles (stats: %d), want 20", len(comps), st.components)
	}
	if len(deps) == 0 || len(deps) != st.depFiles {
		t.Errorf("got %d component.dep files (stats: %d), want some", len(deps), st.depFiles)
	}
	for _, path := range deps {
		for _, name := range readDepFile(t, path) {
			if !comps[name] {
				t.Errorf("%s names %q, which is not a component", path, name)
			}
		}
	}
}

// TestParentsExist checks that every FROM and COPY --from names base, an
// image generated earlier, or a stage of the same file.
func TestParentsExist(t *testing.T) {
	dir := t.TempDir()
	if _, err := generate(options{images: 50, components: 20, dir: dir, seed: 7}); err != nil {
		t.Fatal(err)
	}
	matches, err := filepath.Glob(filepath.Join(dir, "src", "*", "build", "*.dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	ref := regexp.MustCompile(`(?m)^(?:FROM|COPY --from=)(\S+)|^ARG PARENT=(\S+)`)
	for _, path := range matches {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		self := strings.TrimSuffix(filepath.Base(path), ".dockerfile")
		for _, m := range ref.FindAllStringSubmatch(string(data), -1) {
			name := m[1] + m[2]
			name, _, _ = strings.Cut(name, " ")
			switch {
			case name == "scratch" && self == "base", name == "${PARENT}", name == "stage":
			case name == self:
				t.Errorf("%s refers to itself", path)
			case name == "base" || name < self && fileExists(filepath.Join(dir, "src", "*", "build", name+".dockerfile")):
			default:
				t.Errorf("%s refers to %q, not an earlier image", path, name)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if _, err := generate(options{images: 30, components: 10, dir: dir, seed: 3}); err != nil {
			t.Fatal(err)
		}
	}
	err := filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, path)
		x, _ := os.ReadFile(path)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || string(x) != string(y) {
			t.Errorf("%s differs between two runs with the same seed", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRefusesForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(mine, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := generate(options{images: 5, components: 2, dir: dir, seed: 1}); err == nil {
		t.Fatal("generate wrote into a non-empty directory it did not create")
	}
	if data, err := os.ReadFile(mine); err != nil || string(data) != "keep me" {
		t.Fatalf("the user's file changed: %q, %v", data, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("generate left %d entries, want only the user's file", len(entries))
	}
}

func TestRewritesItsOwnDirectory(t *testing.T) {
	dir := t.TempDir()
	if _, err := generate(options{images: 20, components: 5, dir: dir, seed: 1}); err != nil {
		t.Fatal(err)
	}
	// A file the user adds inside survives; a file where gen would write
	// is never overwritten.
	extra := filepath.Join(dir, "src", "comp-0001", "README")
	if err := os.WriteFile(extra, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := generate(options{images: 10, components: 3, dir: dir, seed: 2}); err != nil {
		t.Fatalf("second run in gen's own directory: %v", err)
	}
	if _, err := os.Stat(extra); err != nil {
		t.Errorf("the user's file is gone: %v", err)
	}
	got, _ := filepath.Glob(filepath.Join(dir, "src", "*", "build", "*.dockerfile"))
	if len(got) != 10 {
		t.Errorf("after the second run: %d Dockerfiles, want 10 (the first run's are removed)", len(got))
	}
}

func TestFlagChecks(t *testing.T) {
	for _, o := range []options{
		{images: 0, components: 1},
		{images: 5, components: 6},
		{images: 5, components: 1},
		{images: 5, components: 2, runWork: -1},
		{images: 5, components: 2, hooks: -0.1},
		{images: 5, components: 2, hooks: 1.5},
		{images: 5, components: 2, prefix: "Run1-"},
		{images: 5, components: 2, prefix: "-r1"},
		{images: 5, components: 2, prefix: "r/1"},
	} {
		o.dir = filepath.Join(t.TempDir(), "out")
		if _, err := generate(o); err == nil {
			t.Errorf("generate(%+v) succeeded", o)
		}
		if _, err := os.Stat(o.dir); err == nil {
			t.Errorf("generate(%+v) created %s although it refused", o, o.dir)
		}
	}
}

// TestHooksAndPrefix checks -hooks and -prefix: hooked components get
// both scripts and their Dockerfiles COPY what build-pre.sh writes, every
// image name carries the prefix, and neither flag moves an edge.
func TestHooksAndPrefix(t *testing.T) {
	plain, hooked := t.TempDir(), t.TempDir()
	if _, err := generate(options{images: 40, components: 30, dir: plain, seed: 1}); err != nil {
		t.Fatal(err)
	}
	st, err := generate(options{images: 40, components: 30, dir: hooked, seed: 1, hooks: 0.3, prefix: "r7-"})
	if err != nil {
		t.Fatal(err)
	}
	pres, _ := filepath.Glob(filepath.Join(hooked, "src", "*", "build", "build-pre.sh"))
	if len(pres) < 3 || len(pres) != st.hooked {
		t.Fatalf("got %d build-pre.sh (stats: %d components with hooks), want some, base's included", len(pres), st.hooked)
	}
	for _, pre := range pres {
		comp := filepath.Base(filepath.Dir(filepath.Dir(pre)))
		for _, hook := range []string{pre, filepath.Join(filepath.Dir(pre), "build-post.sh")} {
			if fi, err := os.Stat(hook); err != nil || fi.Mode()&0o100 == 0 {
				t.Errorf("%s: missing or not executable (%v)", hook, err)
			}
		}
		if comp == "base" {
			continue
		}
		dfs, _ := filepath.Glob(filepath.Join(filepath.Dir(pre), "*.dockerfile"))
		for _, df := range dfs {
			data, _ := os.ReadFile(df)
			if !strings.Contains(string(data), "COPY generated/"+comp+".sums ") {
				t.Errorf("%s does not COPY generated/%s.sums", df, comp)
			}
		}
	}
	// Without the prefix and the generated/ lines, the Dockerfiles and
	// component.dep files are those of the plain repository.
	generatedLine := regexp.MustCompile(`(?m)^COPY generated/.*\n`)
	err = filepath.WalkDir(plain, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".dockerfile") || d.Name() == "component.dep") {
			return err
		}
		rel, _ := filepath.Rel(plain, path)
		dir, name := filepath.Split(rel)
		if strings.HasSuffix(name, ".dockerfile") {
			name = "r7-" + name
		}
		want, _ := os.ReadFile(path)
		got, err := os.ReadFile(filepath.Join(hooked, dir, name))
		if err != nil {
			t.Errorf("%s has no counterpart with -prefix: %v", rel, err)
			return nil
		}
		stripped := strings.ReplaceAll(generatedLine.ReplaceAllString(string(got), ""), "r7-", "")
		if stripped != string(want) {
			t.Errorf("%s: -hooks or -prefix changed more than names and generated/ lines:\n%s\nwant:\n%s", rel, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readDepFile(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if name := strings.TrimSpace(line); name != "" {
			names = append(names, name)
		}
	}
	return names
}

func fileExists(glob string) bool {
	m, _ := filepath.Glob(glob)
	return len(m) > 0
}
