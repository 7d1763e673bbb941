package project

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/dockyard-build/dockyard/internal/config"
)

const dockerfileExt = ".dockerfile"

// discoverSrc walks the folders of src: each may be a component (it has
// build/*.dockerfile), an image folder (it has image.yaml), or both.
func (p *Project) discoverSrc() error {
	src := p.Config.Src
	if src == "src" && !p.isDir(src) && p.isDir(paiManagementSrc) {
		src = paiManagementSrc
	}
	if err := p.inside(src, Pos{File: src}, "src folder"); err != nil {
		return err
	}
	entries, err := os.ReadDir(p.Abs(src))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", src, err)
	}
	var errs []error
	if err := p.readServiceFile(src); err != nil {
		errs = append(errs, err)
	}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		dir := path.Join(src, e.Name())
		if err := p.addComponent(dir); err != nil {
			errs = append(errs, err)
		}
		if err := p.addFolder(dir); err != nil {
			errs = append(errs, err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(p.serviceImages)) {
		if !p.isDir(path.Join(src, name)) {
			errs = append(errs, &config.Problem{File: p.serviceFile, Msg: fmt.Sprintf("imagelist: image %s has no folder %s", name, path.Join(src, name))})
		}
	}
	return errors.Join(errs...)
}

// addComponent reads src/<c>/build/: its Dockerfiles, dependency file and
// hooks. A build folder without Dockerfiles is a component too (pai's
// hadoop-ai only has hooks): others may copy it in, and its hooks run.
func (p *Project) addComponent(dir string) error {
	build := path.Join(dir, "build")
	entries, err := os.ReadDir(p.Abs(build))
	if err != nil {
		return nil
	}
	c := &Component{Name: strings.ToLower(path.Base(dir)), Dir: dir}
	images, errs, err := p.componentImages(c, build, entries)
	if err != nil {
		return err
	}
	for _, im := range images {
		c.Images = append(c.Images, im.Name)
		if err := p.addImage(im); err != nil {
			errs = append(errs, err)
		}
	}
	for _, f := range []string{"component.dep", "components.dep"} {
		deps, err := p.readDepsInside(path.Join(build, f))
		if err != nil {
			errs = append(errs, err)
		}
		c.Deps = append(c.Deps, deps...)
	}
	if p.isFile(path.Join(build, "build-pre.sh")) {
		c.PreHook = path.Join(build, "build-pre.sh")
	}
	if p.isFile(path.Join(build, "build-post.sh")) {
		c.PostHook = path.Join(build, "build-post.sh")
	}
	if old, ok := p.comps[c.Name]; ok {
		errs = append(errs, fmt.Errorf("components %s and %s have the same name", old.Dir, c.Dir))
	}
	p.comps[c.Name] = c
	p.Components = append(p.Components, c)
	return errors.Join(errs...)
}

// readDeps reads a .dep file: one component per line, blank lines and #
// comments allowed. A missing file has no dependencies.
func readDeps(abs, rel string) ([]dep, error) {
	f, err := os.Open(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var deps []dep
	var errs []error
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		name := strings.TrimSpace(line)
		switch {
		case name == "":
		case strings.ContainsAny(name, `/\`) || name == ".." || name == ".":
			errs = append(errs, &config.Problem{File: rel, Line: n, Msg: fmt.Sprintf("%q is a path, not a component name; a dependency must not reach outside src", name)})
		default:
			deps = append(deps, dep{Name: strings.ToLower(name), At: Pos{File: rel, Line: n}})
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("reading %s: %w", rel, err))
	}
	return deps, errors.Join(errs...)
}

// paiManagementSrc is where pai 1 (0.5 to 0.7) kept its image folders;
// the folder src is taken from when there is no src.
const paiManagementSrc = "pai-management/src"

// readServiceFile reads pai 0.5's service.yaml beside src, when it has an
// imagelist: its entries stand for the folders' image.yaml files, and the
// folders it does not list are not images, as pai 0.5's build did.
func (p *Project) readServiceFile(src string) error {
	spec := path.Join(path.Dir(src), config.ServiceFileName)
	if !p.isFile(spec) {
		return nil
	}
	if err := p.inside(spec, Pos{File: spec}, config.ServiceFileName); err != nil {
		return err
	}
	list, err := config.LoadServiceImages(p.Abs(spec), spec, src, path.Dir(src))
	p.serviceImages, p.serviceFile = list, spec
	return err
}

// addFolder reads a pai 1 image folder: src/<image>/ with image.yaml (or
// an entry of pai 0.5's service.yaml) and a Dockerfile, written or
// rendered from dockerfile.template. Copy paths are relative to the folder
// above src, where paictl ran.
func (p *Project) addFolder(dir string) error {
	name := path.Base(dir)
	spec := path.Join(dir, "image.yaml")
	var f *config.ImageFile
	switch {
	case p.serviceImages != nil:
		if f = p.serviceImages[name]; f == nil {
			return nil
		}
		spec = p.serviceFile
	case !p.isFile(spec):
		return nil
	default:
		if err := p.inside(spec, Pos{File: spec}, "image.yaml"); err != nil {
			return err
		}
		var err error
		if f, err = config.LoadImageFile(p.Abs(spec), spec, dir, path.Dir(path.Dir(dir))); err != nil {
			return err
		}
	}
	if err := checkFolderName(spec, name); err != nil {
		return err
	}
	im := &Image{
		Name: name, Kind: KindFolder, Component: name, Context: dir,
		CopyList: f.CopyList, Declared: Pos{File: spec},
	}
	for _, df := range []string{"Dockerfile", "dockerfile"} {
		if p.isFile(path.Join(dir, df)) {
			im.Dockerfile = path.Join(dir, df)
			break
		}
	}
	if err := p.renderTemplates(im, f.TemplateList); err != nil {
		return err
	}
	if im.Dockerfile == "" {
		return &config.Problem{File: spec, Msg: "image folder has no Dockerfile (nor a dockerfile.template in its template-list)"}
	}
	if f.Prerequisite.Value != "" {
		im.declaredDeps = []dep{{Name: f.Prerequisite.Value, At: Pos{File: spec, Line: f.Prerequisite.Line}}}
	}
	return p.addImage(im)
}

// addExplicit adds the images declared in dockyard.yaml.
func (p *Project) addExplicit() error {
	var errs []error
	for _, ci := range p.Config.Images {
		at := Pos{File: p.Config.File, Line: ci.Line}
		im := &Image{
			Name: ci.Name, Kind: KindExplicit, Dockerfile: path.Clean(ci.Dockerfile), Context: path.Clean(ci.Context),
			Target: ci.Target, Platforms: ci.Platforms, Tags: ci.Tags, Declared: at, Args: ci.Args,
			CopyList: ci.CopyList,
		}
		hook := func(script string) string {
			if script == "" {
				return ""
			}
			script = path.Clean(script)
			if !p.isFile(script) {
				errs = append(errs, &config.Problem{File: at.File, Line: at.Line, Msg: fmt.Sprintf("image %s: hook %s does not exist", im.Name, script)})
			}
			return script
		}
		im.PreHook, im.PostHook = hook(ci.Pre), hook(ci.Post)
		for _, d := range ci.Depends {
			im.declaredDeps = append(im.declaredDeps, dep{Name: d.Value, At: Pos{File: p.Config.File, Line: d.Line}})
		}
		if !p.isFile(im.Dockerfile) {
			errs = append(errs, &config.Problem{File: at.File, Line: at.Line, Msg: fmt.Sprintf("image %s: dockerfile %s does not exist", im.Name, im.Dockerfile)})
			continue
		}
		if err := p.addImage(im); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (p *Project) isDir(rel string) bool {
	st, err := os.Stat(p.Abs(rel))
	return err == nil && st.IsDir()
}

func (p *Project) isFile(rel string) bool {
	st, err := os.Stat(p.Abs(rel))
	return err == nil && st.Mode().IsRegular()
}
