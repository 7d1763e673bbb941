package project

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockyard-build/dockyard/internal/config"
)

// outsider is a folder outside every test repository, standing for /etc:
// its files must never be read.
func outsider(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{
		"shadow":                   "root:$y$j9T$secret-hash:19000:0:99999:7:::\n",
		"app/build/app.dockerfile": "FROM scratch\n",
		"ctx/file":                 "outside\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// link makes symlinks (slash path in root -> target).
func link(t *testing.T, root string, links map[string]string) {
	t.Helper()
	for name, target := range links {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPathsLeavingTheRepository refuses every configured or discovered
// path that a symlink leads out of the repository, with its place, before
// reading it.
func TestPathsLeavingTheRepository(t *testing.T) {
	out := outsider(t)
	plain := map[string]string{"src/app/build/app.dockerfile": "FROM scratch\n"}
	tests := []struct {
		name  string
		files map[string]string
		links map[string]string
		want  string
	}{
		{"component Dockerfile", map[string]string{"src/app/build/.keep": ""},
			map[string]string{"src/app/build/app.dockerfile": filepath.Join(out, "shadow")},
			`src/app/build/app.dockerfile: dockerfile: path "src/app/build/app.dockerfile" leads out of the repository through a symlink, to ` + out},
		{"src folder", nil, map[string]string{"src": out},
			`src: src folder: path "src" leads out of the repository through a symlink, to ` + out},
		{"src of dockyard.yaml", map[string]string{"dockyard.yaml": "version: 1\nsrc: components\n"}, map[string]string{"components": out},
			`dockyard.yaml:2: src: path "components" leads out`},
		{"component.dep", plain, map[string]string{"src/app/build/component.dep": filepath.Join(out, "shadow")},
			`src/app/build/component.dep: component.dep: path "src/app/build/component.dep" leads out`},
		{"build hook", plain, map[string]string{"src/app/build/build-pre.sh": filepath.Join(out, "shadow")},
			`src/app/build/build-pre.sh: build-pre.sh: path "src/app/build/build-pre.sh" leads out`},
		{"image.yaml", map[string]string{"src/web/Dockerfile": "FROM scratch\n"},
			map[string]string{"src/web/image.yaml": filepath.Join(out, "shadow")},
			`src/web/image.yaml: image.yaml: path "src/web/image.yaml" leads out`},
		{"copy-list", map[string]string{"src/web/Dockerfile": "FROM scratch\n", "src/web/image.yaml": "copy-list:\n  - src: shared/x\n    dst: src/web/x\n"},
			map[string]string{"shared": out},
			`src/web/image.yaml:2: copy-list src: path "shared/x" leads out`},
		{"explicit context", map[string]string{"dockyard.yaml": "version: 1\nimages:\n  - name: app\n    context: ctx\n    dockerfile: Dockerfile\n", "Dockerfile": "FROM scratch\n"},
			map[string]string{"ctx": filepath.Join(out, "ctx")},
			`dockyard.yaml:3: image app: path "ctx" leads out of the repository through a symlink, to ` + filepath.Join(out, "ctx")},
		{"explicit Dockerfile through a folder", map[string]string{"dockyard.yaml": "version: 1\nimages:\n  - name: app\n    dockerfile: docker/shadow\n"},
			map[string]string{"docker": out},
			`dockyard.yaml:3: image app: path "docker/shadow" leads out`},
		{"env file", map[string]string{"dockyard.yaml": "version: 1\nenv_files: [ci.env]\n"},
			map[string]string{"ci.env": filepath.Join(out, "shadow")},
			`dockyard.yaml: env_files: path "ci.env" leads out`},
		{"dangling symlink", map[string]string{"dockyard.yaml": "version: 1\nimages:\n  - name: app\n    context: gone\n    dockerfile: Dockerfile\n", "Dockerfile": "FROM scratch\n"},
			map[string]string{"gone": filepath.Join(out, "nothing-here")},
			`dockyard.yaml:3: image app: path "gone" leads out of the repository through a symlink, to ` + filepath.Join(out, "nothing-here")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := repo(t, tt.files)
			link(t, dir, tt.links)
			err := loadErr(dir)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %q\nwant prefix %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret-hash") {
				t.Errorf("the error shows the outside file's content: %q", err)
			}
		})
	}
}

// loadErr loads the configuration and the project, as a command does.
func loadErr(dir string) error {
	cfg, err := config.Load(dir)
	if err != nil {
		return err
	}
	_, err = Load(dir, cfg, "")
	return err
}

// TestPathsInsideTheRepository accepts symlinks that stay inside it, and
// leaves symlinks inside a context alone, even those pointing out.
func TestPathsInsideTheRepository(t *testing.T) {
	out := outsider(t)
	dir := repo(t, map[string]string{
		"dockyard.yaml":       "version: 1\nimages:\n  - name: app\n    context: ctx\n",
		"real/ctx/Dockerfile": "FROM scratch\nCOPY . /\n",
	})
	link(t, dir, map[string]string{"ctx": "real/ctx", "real/ctx/passwd": filepath.Join(out, "shadow")})
	if err := loadErr(dir); err != nil {
		t.Fatal(err)
	}
}
