package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

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
	if r.Domain == "public" {
		// pai 0.5's word for Docker's default registry.
		r.Domain = ""
	}
	if r.Tag == "" {
		r.Tag = "latest"
	}
	if !tagRE.MatchString(r.Tag) {
		return Registry{}, &Problem{File: name, Msg: fmt.Sprintf("docker-registry tag %q is not a valid image tag", r.Tag)}
	}
	return r, nil
}

// LoadPaiValues reads the values pai 1's templates (template-list files)
// were rendered with from services-configuration.yaml in dir: clusterconfig
// holds clusterinfo, the file's cluster section, whose docker-registry-info
// (or docker-registry) is also dockerregistryinfo and to which hadoopinfo,
// the file's hadoop section, is added, and clusterID. As pai's object
// model renamed keys, every key with dashes can also be written with
// underscores, without the dashes, or in camelCase: docker-namespace is
// also docker_namespace, hadoop-version also hadoopversion, data-path
// also dataPath.
func LoadPaiValues(dir string) (map[string]any, error) {
	name := filepath.Join(dir, PaiFileName)
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading pai configuration: %w", err)
	}
	var f map[string]any
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, yamlProblem(name, err)
	}
	cluster, _ := f["cluster"].(map[string]any)
	if cluster == nil {
		return nil, &Problem{File: name, Msg: "no cluster section"}
	}
	info := aliased(cluster)
	for _, k := range []string{"docker-registry-info", "docker-registry"} {
		if reg, ok := cluster[k].(map[string]any); ok {
			info["dockerregistryinfo"] = aliased(reg)
			break
		}
	}
	if hadoop, ok := f["hadoop"].(map[string]any); ok {
		info["hadoopinfo"] = aliased(hadoop)
	}
	return map[string]any{"clusterconfig": map[string]any{"clusterinfo": info, "clusterID": cluster["clusterid"]}}, nil
}

// aliased copies m, with each key of dashes also in the spellings pai's
// object model gave it, in m and every mapping m holds.
func aliased(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			v = aliased(sub)
		}
		out[k] = v
	}
	for k, v := range out {
		if !strings.Contains(k, "-") {
			continue
		}
		parts := strings.Split(k, "-")
		for i := 1; i < len(parts); i++ {
			if parts[i] != "" {
				parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
			}
		}
		for _, alias := range []string{strings.ReplaceAll(k, "-", "_"), strings.ReplaceAll(k, "-", ""), strings.Join(parts, "")} {
			if _, taken := out[alias]; !taken {
				out[alias] = v
			}
		}
	}
	return out
}
