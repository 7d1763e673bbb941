package project

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/nikolalohinski/gonja/v2"
	gonjaconfig "github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/loaders"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/layout"
)

// RenderedDir is where image folders' templates are rendered: in
// dockyard's own folder, so that no file of the user's is ever written
// over.
const RenderedDir = layout.Rendered

// renderTemplates renders each file of an image folder's template-list,
// <name>.template in the folder, with the values of pai's cluster
// configuration (-c or config_dir), as pai's build did with Jinja2, into
// .dockyard/rendered/<image>/<name>. A rendered dockerfile is the image's
// Dockerfile; any other rendered file is copied into the folder for the
// build, as a copy-list item is, and removed after it.
func (p *Project) renderTemplates(im *Image, list []config.Ref) error {
	var errs []error
	for _, t := range list {
		src := path.Join(im.Context, t.Value+".template")
		at := Pos{File: im.Declared.File, Line: t.Line}
		problem := func(format string, args ...any) {
			errs = append(errs, &config.Problem{File: at.File, Line: at.Line, Msg: fmt.Sprintf(format, args...)})
		}
		switch {
		case !p.isFile(src):
			problem("template-list: %s does not exist", src)
			continue
		case p.Config.Values == nil:
			problem("template-list: rendering %s needs pai's cluster configuration; name its folder with -c DIR or config_dir: in %s", src, config.FileName)
			continue
		}
		if err := p.inside(src, at, "template-list"); err != nil {
			errs = append(errs, err)
			continue
		}
		out := path.Join(RenderedDir, im.Name, t.Value)
		if err := p.render(src, out); err != nil {
			errs = append(errs, err)
			continue
		}
		if strings.EqualFold(t.Value, "dockerfile") {
			im.Dockerfile = out
		} else {
			im.CopyList = append(im.CopyList, config.CopyItem{Src: out, Dst: path.Join(im.Context, t.Value), Line: t.Line})
		}
	}
	return errors.Join(errs...)
}

// render renders the template src into out, both root-relative. Values
// missing from the configuration are errors (Jinja2's StrictUndefined),
// and a template includes no other file. out is written only when its
// content changes, never through a symlink on its way.
func (p *Project) render(src, out string) error {
	data, err := os.ReadFile(p.Abs(src))
	if err != nil {
		return fmt.Errorf("reading %s: %w", src, err)
	}
	id := "/" + src
	loader, err := loaders.NewMemoryLoader(map[string]string{id: string(data)})
	if err != nil {
		return err
	}
	cfg := gonjaconfig.New()
	cfg.StrictUndefined = true
	tpl, err := exec.NewTemplate(id, cfg, loader, gonja.DefaultEnvironment)
	if err != nil {
		return &config.Problem{File: src, Msg: "template: " + err.Error()}
	}
	text, err := tpl.ExecuteToBytes(exec.NewContext(p.Config.Values))
	if err != nil {
		return &config.Problem{File: src, Msg: "rendering: " + err.Error()}
	}
	root, err := os.OpenRoot(p.Root)
	if err != nil {
		return err
	}
	defer root.Close()
	name := filepath.FromSlash(out)
	for dir := path.Dir(out); dir != "."; dir = path.Dir(dir) {
		if fi, err := root.Lstat(filepath.FromSlash(dir)); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return &config.Problem{File: dir, Msg: "is a symlink; dockyard writes rendered templates only into a folder of the repository"}
		}
	}
	if old, err := root.ReadFile(name); err == nil && bytes.Equal(old, text) {
		return nil
	}
	if err := root.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return fmt.Errorf("rendering %s: %w", src, err)
	}
	if err := root.WriteFile(name, text, 0o644); err != nil {
		return fmt.Errorf("rendering %s: %w", src, err)
	}
	return nil
}
