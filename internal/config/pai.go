package config

import (
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// PaiFileName is the file pai_build.py reads from its -c directory.
const PaiFileName = "services-configuration.yaml"

// Secret is a value that is never printed.
type Secret string

func (Secret) String() string { return "******" }

// GoString keeps %#v from printing the secret too.
func (Secret) GoString() string { return "******" }

type paiFile struct {
	Cluster struct {
		Registry *struct {
			Namespace string `yaml:"namespace"`
			Domain    string `yaml:"domain"`
			Username  string `yaml:"username"`
			Password  string `yaml:"password"`
			Tag       string `yaml:"tag"`
		} `yaml:"docker-registry"`
		Legacy *struct {
			Namespace string `yaml:"docker-namespace"`
			Domain    string `yaml:"docker-registry-domain"`
			Username  string `yaml:"docker-username"`
			Password  string `yaml:"docker-password"`
			Tag       string `yaml:"docker-tag"`
		} `yaml:"docker-registry-info"`
	} `yaml:"cluster"`
}

// LoadPai reads the registry settings of pai's services-configuration.yaml in
// dir: cluster.docker-registry, or the legacy cluster.docker-registry-info.
// The file holds much more than dockyard needs; other keys are ignored.
func LoadPai(dir string) (Registry, error) {
	name := filepath.Join(dir, PaiFileName)
	data, err := os.ReadFile(name)
	if err != nil {
		return Registry{}, fmt.Errorf("reading pai configuration: %w", err)
	}
	var f paiFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		return Registry{}, yamlProblem(name, err)
	}
	var r Registry
	switch reg, old := f.Cluster.Registry, f.Cluster.Legacy; {
	case reg != nil:
		r = Registry{Domain: reg.Domain, Namespace: reg.Namespace, Tag: reg.Tag, Username: reg.Username, Password: Secret(reg.Password)}
	case old != nil:
		r = Registry{Domain: old.Domain, Namespace: old.Namespace, Tag: old.Tag, Username: old.Username, Password: Secret(old.Password)}
	default:
		return Registry{}, &Problem{File: name, Msg: "no cluster.docker-registry (or cluster.docker-registry-info) section"}
	}
	if r.Tag == "" {
		r.Tag = "latest"
	}
	if !tagRE.MatchString(r.Tag) {
		return Registry{}, &Problem{File: name, Msg: fmt.Sprintf("docker-registry tag %q is not a valid image tag", r.Tag)}
	}
	return r, nil
}
