// Package config reads dockyard.yaml, .env files and pai's
// services-configuration.yaml into one validated Config.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"go.yaml.in/yaml/v3"
)

// FileName is the name of the project file at the repository root.
const FileName = "dockyard.yaml"

// Config is the project's configuration with defaults applied.
type Config struct {
	Version int `yaml:"version"`
	// Name is the project's name, which the images' local references
	// start with when no registry or tags name them; default: the
	// repository folder's name.
	Name    string `yaml:"name"`
	Src     string `yaml:"src"`
	Variant string `yaml:"variant"`
	// Variants are more variant names, besides k8s and yarn, that a
	// component Dockerfile's last dotted part may be.
	Variants []string          `yaml:"variants"`
	EnvFiles []string          `yaml:"env_files"`
	Args     map[string]string `yaml:"args"`
	Registry Registry          `yaml:"registry"`
	Engine   string            `yaml:"engine"`
	Jobs     int               `yaml:"jobs"`
	Cache    string            `yaml:"cache"`
	Images   []Image           `yaml:"images"`

	// Registries are more registries every image is pushed to.
	Registries []Registry `yaml:"registries"`
	// Tags and Tiers are the tag policy (see TagsFor).
	Tags  []string `yaml:"tags"`
	Tiers []Tier   `yaml:"tiers"`
	// BareTags also tags every image with its bare name (name:latest), as
	// pai's build did; off by default, since bare names of two
	// repositories on one engine collide and may shadow public images.
	BareTags bool `yaml:"bare_tags"`
	// External are path.Match patterns of references that never name a
	// project image, whatever the matching rule says ("python:*").
	External []string `yaml:"external"`
	// Hooks says which components' hooks cannot be skipped by their inputs.
	Hooks Hooks `yaml:"hooks"`
	// Root is the embedded engine's store; empty means its default.
	Root string `yaml:"root"`
	// BuildKit configures the buildkit engine.
	BuildKit BuildKit `yaml:"buildkit"`
	// Workers are the buildkit engine's pool of buildkitd daemons; empty
	// means the one daemon of buildkit.address.
	Workers []Worker `yaml:"workers"`
	// Platforms are the platforms of every image that names none.
	Platforms []string `yaml:"platforms"`
	// ConfigDir is pai's cluster configuration folder, as -c: its
	// services-configuration.yaml gives the registry and the values
	// image folders' templates are rendered with.
	ConfigDir string `yaml:"config_dir"`

	// File is the path of dockyard.yaml relative to the root, or "" when
	// the project has none.
	File string `yaml:"-"`
	// Env holds the variables of the .env files.
	Env *Env `yaml:"-"`
	// Commit is what the {git} placeholder of tags stands for; the caller
	// fills it in when UsesTag(TagGit).
	Commit string `yaml:"-"`
	// Override, set from --tag, replaces the default tags (see TagsFor).
	Override []string `yaml:"-"`
	// Values are what image folders' templates (template-list) are
	// rendered with; nil when no pai configuration was given.
	Values map[string]any `yaml:"-"`
	// Overrides, set from --set, --build-arg and --platform, change
	// images' fields, by image name ("*" for every image).
	Overrides map[string]*Override `yaml:"-"`
}

// Hooks tunes when components' hooks run. A hook runs when its inputs
// changed since its last successful run: the component's files, what it
// copies in, and its environment.
type Hooks struct {
	// Always lists components whose hooks run every time: they read the
	// network or the clock.
	Always []string `yaml:"always"`
	// Env lists the variables hooks read: a change reruns them.
	Env []string `yaml:"env"`
	// Inputs lists, per component, the files and folders its hooks read
	// from outside it (pai's rest-server copies database-controller/sdk):
	// a change reruns them, and --since selects the component's images.
	Inputs map[string][]string `yaml:"inputs"`
}

// Image is an image declared in dockyard.yaml.
type Image struct {
	Name       string            `yaml:"name"`
	Context    string            `yaml:"context"`
	Dockerfile string            `yaml:"dockerfile"`
	Target     string            `yaml:"target"`
	Args       map[string]string `yaml:"args"`
	Depends    []Ref             `yaml:"depends"`
	Platforms  []string          `yaml:"platforms"`
	Tags       []string          `yaml:"tags"`
	// Pre and Post are scripts run with bash in the context before and
	// after the build, as a component's build-pre.sh and build-post.sh;
	// CopyList is copied in before the build and removed after it.
	Pre      string     `yaml:"pre"`
	Post     string     `yaml:"post"`
	CopyList []CopyItem `yaml:"copy_list"`

	// Line is where the image is declared.
	Line int `yaml:"-"`
}

// UnmarshalYAML records where the image is declared.
func (im *Image) UnmarshalYAML(n *yaml.Node) error {
	type plain Image
	if err := n.Decode((*plain)(im)); err != nil {
		return err
	}
	im.Line = n.Line
	return nil
}

// Ref is a name written at a line of the file.
type Ref struct {
	Value string
	Line  int
}

// UnmarshalYAML reads a scalar and its line.
func (r *Ref) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a name", n.Line)
	}
	r.Value, r.Line = n.Value, n.Line
	return nil
}

// BuildKit configures the buildkit engine.
type BuildKit struct {
	// Address is buildkitd's; $BUILDKIT_HOST wins over it.
	Address string `yaml:"address"`
	// Store is where the engine keeps its images: one of Stores.
	Store string `yaml:"store"`
}

// Stores lists the values buildkit.store accepts: layout (an OCI layout
// of dockyard's, the default) or registry (the project's registry).
var Stores = []string{"layout", "registry"}

// Engines lists the values engine accepts.
var Engines = []string{"auto", "docker", "embedded", "buildkit"}

// Caches lists the values cache accepts: local (the engine's store, the
// default), registry (also the registry, under tags derived from the input
// key) and off (build every image every time).
var Caches = []string{"local", "registry", "off"}

var (
	nameRE = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*$`)
	tagRE  = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
)

// Default returns the configuration of a project without dockyard.yaml.
func Default() *Config {
	c := &Config{Version: 1}
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	if c.Src == "" {
		c.Src = "src"
	}
	if c.Engine == "" {
		c.Engine = "auto"
	}
	if c.Cache == "" {
		c.Cache = "local"
	}
	if c.BuildKit.Store == "" {
		c.BuildKit.Store = "layout"
	}
	if c.Registry.Tag == "" {
		c.Registry.Tag = "latest"
	}
	if c.Env == nil {
		c.Env = &Env{}
	}
	for i := range c.Images {
		im := &c.Images[i]
		if im.Context == "" {
			im.Context = "."
		}
		if im.Dockerfile == "" {
			im.Dockerfile = filepath.ToSlash(filepath.Join(im.Context, "Dockerfile"))
		}
	}
}

// Load reads root/dockyard.yaml (when present) and the .env files it names
// (default: root/.env when present), interpolating .env and environment
// variables into the file. Every problem is reported with file:line.
func Load(root string) (*Config, error) {
	data, err := os.ReadFile(filepath.Join(root, FileName))
	if errors.Is(err, fs.ErrNotExist) {
		c := Default()
		return c, c.readEnvFiles(root, []string{".env"}, true)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", FileName, err)
	}
	return parse(root, data)
}

func parse(root string, data []byte) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlProblem(FileName, err)
	}
	c := &Config{File: FileName, Env: &Env{}}
	if len(doc.Content) == 0 {
		return nil, &Problem{File: FileName, Msg: "empty file; start it with \"version: 1\""}
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, &Problem{File: FileName, Line: top.Line, Msg: "expected a mapping of settings"}
	}
	envFiles, optional := []string{".env"}, true
	if n := mappingValue(top, "env_files"); n != nil {
		envFiles, optional = nil, false
		if err := n.Decode(&envFiles); err != nil {
			return nil, yamlProblem(FileName, err)
		}
	}
	if err := c.readEnvFiles(root, envFiles, optional); err != nil {
		return nil, err
	}
	// Every problem of the file is reported at once: an unknown key
	// (which decoding ignores) or a value of the wrong type does not hide
	// the problems the validation finds in the rest.
	var ps problems
	checkPasswordArgs(top, &ps)
	interpolateNode(top, c.lookup, &ps)
	checkKeys(top, typeOfConfig, "", &ps)
	errs := []error{ps.err()}
	if err := top.Decode(c); err != nil {
		errs = append(errs, yamlProblem(FileName, err))
	}
	c.applyDefaults()
	errs = append(errs, c.validate(root, top))
	if err := firstPerLine(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) readEnvFiles(root string, names []string, optional bool) error {
	c.EnvFiles = names
	var errs []error
	for _, name := range names {
		if err := Inside(root, name); err != nil {
			errs = append(errs, &Problem{File: FileName, Msg: fmt.Sprintf("env_files: %v", err)})
			continue
		}
		err := ReadEnvFile(filepath.Join(root, name), name, c.Env)
		switch {
		case optional && errors.Is(err, fs.ErrNotExist):
			c.EnvFiles = nil
		case errors.Is(err, fs.ErrNotExist):
			errs = append(errs, &Problem{File: FileName, Msg: fmt.Sprintf("env_files: %s does not exist", name)})
		case err != nil:
			errs = append(errs, err)
		}
	}
	// The environment wins over .env files, as in Docker Compose, both in
	// dockyard.yaml and in the build args the variables become.
	for _, k := range c.Env.Keys {
		if v, ok := os.LookupEnv(k); ok {
			c.Env.Values[k] = v
		}
	}
	return errors.Join(errs...)
}

// lookup finds a variable in the environment, then in the .env files, as
// Docker Compose does.
func (c *Config) lookup(name string) (string, bool) {
	if v, ok := os.LookupEnv(name); ok {
		return v, true
	}
	return c.Env.Lookup(name)
}
