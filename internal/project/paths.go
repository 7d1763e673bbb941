package project

import (
	"errors"
	"os"
	"path"

	"github.com/dockyard-build/dockyard/internal/config"
)

// inside refuses a path of the repository that leads out of it through a
// symlink (see config.Inside); at is where the path is configured or
// found, what names it in the message.
func (p *Project) inside(rel string, at Pos, what string) error {
	if p.paths == nil {
		paths, err := config.NewPaths(p.Root)
		if err != nil {
			return err
		}
		p.paths = paths
	}
	if err := p.paths.Inside(rel); err != nil {
		return &config.Problem{File: at.File, Line: at.Line, Msg: what + ": " + err.Error()}
	}
	return nil
}

// readDepsInside reads a component.dep that stays in the repository: one
// that a symlink leads out of is refused before it is read. A missing one
// has nowhere to lead, and no dependencies.
func (p *Project) readDepsInside(rel string) ([]dep, error) {
	if _, err := os.Lstat(p.Abs(rel)); err == nil {
		if err := p.inside(rel, Pos{File: rel}, path.Base(rel)); err != nil {
			return nil, err
		}
	}
	return readDeps(p.Abs(rel), rel)
}

// checkPaths refuses, before any Dockerfile is read, every path an image
// or a component reads or writes that leads out of the repository: its
// Dockerfile, context, copy-list and hooks. An image could otherwise take
// /etc into its context, and the stat cache would hash all of it.
func (p *Project) checkPaths() error {
	var errs []error
	add := func(rel string, at Pos, what string) {
		if rel != "" {
			errs = append(errs, p.inside(rel, at, what))
		}
	}
	for _, im := range p.Images {
		add(im.Dockerfile, im.Declared, "dockerfile")
		add(im.Context, im.Declared, "context")
		for _, c := range im.CopyList {
			at := Pos{File: im.Declared.File, Line: c.Line}
			add(c.Src, at, "copy-list src")
			add(c.Dst, at, "copy-list dst")
		}
	}
	for _, c := range p.Components {
		add(c.PreHook, Pos{File: c.PreHook}, "build-pre.sh")
		add(c.PostHook, Pos{File: c.PostHook}, "build-post.sh")
	}
	return errors.Join(errs...)
}
