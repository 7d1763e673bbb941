package cli

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/gitrepo"
	"github.com/dockyard-build/dockyard/internal/graph"
	"github.com/dockyard-build/dockyard/internal/project"
)

// loadProject reads the configuration (dockyard.yaml, .env, and pai's file
// with -c), puts the --tag and override flags in place, and reads the
// project. Every
// error is the user's to fix: exit 2.
func (g *globals) loadProject(ctx context.Context, s selectOptions) (*project.Project, error) {
	cfg, err := g.loadConfig()
	if err != nil {
		return nil, err
	}
	if err := applyTags(ctx, cfg, g.dir, s.tags); err != nil {
		return nil, err
	}
	if cfg.Overrides, err = s.overrides(); err != nil {
		return nil, err
	}
	asked, variant := s.variant, s.variant
	if variant == "" {
		variant = cfg.Variant
	}
	p, err := project.Load(g.dir, cfg, variant)
	if err != nil {
		return nil, &usageError{err}
	}
	if asked != "" && !slices.Contains(p.Variants(), asked) {
		return nil, unknownVariant(asked, p.Variants())
	}
	if len(p.Images) == 0 {
		return nil, noImages(p, g.rootFound)
	}
	if err := g.prepareDotDir(p.Root); err != nil {
		return nil, err
	}
	if err := p.SaveParses(); err != nil {
		g.notef("warning: %v; the next run parses its Dockerfiles again", err)
	}
	return p, nil
}

// loadConfig finds the repository root, reads its project file and .env,
// and pai's file with -c.
func (g *globals) loadConfig() (*config.Config, error) {
	if err := g.resolveRoot(); err != nil {
		return nil, err
	}
	var cfg *config.Config
	var err error
	if g.configPath != "" {
		cfg, err = config.LoadFile(g.dir, g.configPath, g.configName)
	} else {
		cfg, err = config.Load(g.dir)
	}
	if err != nil {
		return nil, &usageError{err}
	}
	g.debugf("repository root %s (looked from %s); project file %s", g.dir, g.start, cmp.Or(cfg.File, "none"))
	if dir := g.paiConfigDir(cfg); dir != "" {
		reg, err := config.LoadPai(dir)
		if err != nil {
			return nil, &usageError{err}
		}
		cfg.Registry = reg
		if cfg.Values, err = config.LoadPaiValues(dir); err != nil {
			return nil, &usageError{err}
		}
	}
	g.setStoreRoot(cfg)
	return cfg, nil
}

// paiConfigDir is pai's cluster configuration folder: -c, else
// config_dir of dockyard.yaml, relative to the root; "" when neither names
// one.
func (g *globals) paiConfigDir(cfg *config.Config) string {
	switch {
	case g.paiDir != "":
		return g.paiDir
	case cfg.ConfigDir != "":
		return filepath.Join(g.dir, filepath.FromSlash(cfg.ConfigDir))
	}
	return ""
}

// unknownVariant is the error for a --variant that no Dockerfile has.
func unknownVariant(v string, known []string) error {
	msg := fmt.Sprintf("--variant %s: no Dockerfile has this variant", v)
	switch s := graph.Suggest(v, known); {
	case len(s) > 0:
		msg += fmt.Sprintf(" (did you mean %q?)", s[0])
	case len(known) > 0:
		msg += " (the project's variants: " + strings.Join(known, ", ") + ")"
	default:
		msg += " (no Dockerfile of the project has a variant)"
	}
	return usageErrorf("%s", msg)
}

// applyTags puts the --tag flags in place of the configuration's default
// tags (tags:, else registry.tag; tiers and images' own tags stay), and
// finds the git commit when a tag holds {git}.
func applyTags(ctx context.Context, cfg *config.Config, root string, flags []string) error {
	for _, t := range flags {
		if err := config.CheckTag(t); err != nil {
			return usageErrorf("--tag: %v", err)
		}
	}
	cfg.Override = flags
	if cfg.UsesTag(config.TagGit) {
		commit, err := gitrepo.Describe(ctx, root)
		if err != nil {
			return usageErrorf("a tag holds %s, but the commit of %s is unknown: %v", config.TagGit, root, err)
		}
		cfg.Commit = commit
	}
	return nil
}
