package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultMaxBuilds is how many builds a worker runs at once unless its
// max_builds says otherwise.
const DefaultMaxBuilds = 4

// Worker is a buildkitd of the buildkit engine's pool (the workers list).
type Worker struct {
	// Address is the daemon's: unix:///path or tcp://host:port.
	Address string `yaml:"address"`
	// CA, Cert and Key are the mTLS files, relative to the repository
	// root (inside it) or absolute; the three go together.
	CA   string `yaml:"ca"`
	Cert string `yaml:"cert"`
	Key  string `yaml:"key"`
	// Platforms are what the worker builds; empty means what the daemon
	// says it builds.
	Platforms []string `yaml:"platforms"`
	// MaxBuilds is how many builds it runs at once (DefaultMaxBuilds).
	MaxBuilds int `yaml:"max_builds"`
	// Enabled is false for a worker kept in the file but not used.
	Enabled *bool `yaml:"enabled"`

	// Line is where the worker is declared.
	Line int `yaml:"-"`
}

// UnmarshalYAML records where the worker is declared.
func (w *Worker) UnmarshalYAML(n *yaml.Node) error {
	type plain Worker
	if err := n.Decode((*plain)(w)); err != nil {
		return err
	}
	w.Line = n.Line
	return nil
}

// On reports whether the worker is enabled (the default).
func (w Worker) On() bool { return w.Enabled == nil || *w.Enabled }

// TLS reports whether the worker is reached with mTLS.
func (w Worker) TLS() bool { return w.CA != "" || w.Cert != "" || w.Key != "" }

// Resolved returns the worker with its files as absolute paths under
// root and its max_builds defaulted.
func (w Worker) Resolved(root string) Worker {
	for _, p := range []*string{&w.CA, &w.Cert, &w.Key} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(root, filepath.FromSlash(*p))
		}
	}
	if w.MaxBuilds == 0 {
		w.MaxBuilds = DefaultMaxBuilds
	}
	return w
}

// validateWorkers reports every problem of the workers list.
func (c *Config) validateWorkers(root string, top *yaml.Node, ps *problems) {
	if len(c.Workers) > 0 && c.BuildKit.Address != "" {
		ps.add(FileName, lineOf(top, "buildkit", "address"), "buildkit.address and workers exclude each other: list that daemon among the workers")
	}
	switch {
	case !slices.Contains(Stores, c.BuildKit.Store):
		ps.add(FileName, lineOf(top, "buildkit", "store"), "buildkit.store %q is not one of %s", c.BuildKit.Store, strings.Join(Stores, ", "))
	case c.BuildKit.Store == "registry" && c.Registry.host() == "":
		ps.add(FileName, lineOf(top, "buildkit", "store"), "buildkit.store: registry needs a registry to keep images in: set registry.domain")
	}
	seen := map[string]int{}
	enabled := 0
	for _, w := range c.Workers {
		network, target, _ := strings.Cut(w.Address, "://")
		switch {
		case w.Address == "":
			ps.add(FileName, w.Line, "worker without an address (tcp://host:port or unix:///path)")
		case (network != "tcp" && network != "unix") || target == "":
			ps.add(FileName, w.Line, "worker address %q is not tcp://host:port or unix:///path", w.Address)
		case seen[w.Address] > 0:
			ps.add(FileName, w.Line, "worker %s is listed twice (first at line %d)", w.Address, seen[w.Address])
		default:
			seen[w.Address] = w.Line
		}
		if w.MaxBuilds < 0 {
			ps.add(FileName, w.Line, "worker %s: max_builds must be at least 1", w.Address)
		}
		checkPlatforms(w.Platforms, FileName, w.Line, ps)
		if w.TLS() && (w.CA == "" || w.Cert == "" || w.Key == "") {
			ps.add(FileName, w.Line, "worker %s: ca, cert and key go together (mTLS needs all three)", w.Address)
		}
		if w.TLS() && network == "unix" {
			ps.add(FileName, w.Line, "worker %s: ca, cert and key are for tcp:// addresses", w.Address)
		}
		if !w.On() {
			continue
		}
		enabled++
		for _, f := range []struct{ key, path string }{{"ca", w.CA}, {"cert", w.Cert}, {"key", w.Key}} {
			c.checkWorkerFile(root, w, f.key, f.path, ps)
		}
	}
	if len(c.Workers) > 0 && enabled == 0 {
		ps.add(FileName, lineOf(top, "workers"), "workers: none is enabled")
	}
}

// checkWorkerFile reports a certificate file that leaves the repository
// (when relative) or does not exist.
func (c *Config) checkWorkerFile(root string, w Worker, key, p string, ps *problems) {
	if p == "" {
		return
	}
	full := p
	if !filepath.IsAbs(p) {
		if err := Inside(root, p); err != nil {
			ps.add(FileName, w.Line, "worker %s: %s: %v", w.Address, key, err)
			return
		}
		full = filepath.Join(root, filepath.FromSlash(p))
	}
	if st, err := os.Stat(full); err != nil || !st.Mode().IsRegular() {
		ps.add(FileName, w.Line, "worker %s: %s file %s does not exist", w.Address, key, p)
	}
}
