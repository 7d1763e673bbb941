package cli

import (
	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/project"
)

// loadProject reads the configuration (dockyard.yaml, .env, and pai's file
// with -c), puts the --tag flags in place, and reads the project. Every
// error is the user's to fix: exit 2.
func (g *globals) loadProject(variant string, tags []string) (*project.Project, error) {
	cfg, err := g.loadConfig()
	if err != nil {
		return nil, err
	}
	if err := applyTags(cfg, g.dir, tags); err != nil {
		return nil, err
	}
	if variant == "" {
		variant = cfg.Variant
	}
	p, err := project.Load(g.dir, cfg, variant)
	if err != nil {
		return nil, &usageError{err}
	}
	if len(p.Images) == 0 {
		return nil, noImages(p, g.rootFound)
	}
	if err := g.prepareDotDir(p.Root); err != nil {
		return nil, err
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
	if g.paiDir != "" {
		reg, err := config.LoadPai(g.paiDir)
		if err != nil {
			return nil, &usageError{err}
		}
		cfg.Registry = reg
	}
	g.setStoreRoot(cfg)
	return cfg, nil
}
