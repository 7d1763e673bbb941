package project

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dockyard-build/dockyard/internal/config"
)

// pai1 loads a pai 1 tree (pai-management/src/<image>/) with the values of
// a cluster configuration, as -c gives them.
func pai1(t *testing.T, files map[string]string) (*Project, error) {
	t.Helper()
	dir := repo(t, files)
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	pai := filepath.Join(dir, "cluster-configuration")
	if cfg.Registry, err = config.LoadPai(pai); err != nil {
		t.Fatal(err)
	}
	if cfg.Values, err = config.LoadPaiValues(pai); err != nil {
		t.Fatal(err)
	}
	return Load(dir, cfg, "")
}

const paiServices = `cluster:
  clusterid: c1
  nvidia-drivers-version: 384.111
  docker-registry-info:
    docker-namespace: openpai
    docker-registry-domain: public
    docker-tag: v1
hadoop:
  hadoop-version: 2.7.2
`

func TestPai1Folders(t *testing.T) {
	p, err := pai1(t, map[string]string{
		"cluster-configuration/services-configuration.yaml": paiServices,
		"frameworklauncher/pom.xml":                         "<project/>\n",
		"pai-management/src/base-image/dockerfile":          "FROM scratch\n",
		"pai-management/src/base-image/image.yaml":          "copy-list:\n  - src: ../frameworklauncher\n    dst: src/base-image/copied_file\n",
		"pai-management/src/hadoop-run/dockerfile.template": "FROM {{ clusterconfig['clusterinfo']['dockerregistryinfo']['docker_namespace'] }}/base-image\nENV H={{ clusterconfig.clusterinfo.hadoopinfo.hadoopversion }}\nCOPY start.sh /\n",
		"pai-management/src/hadoop-run/start.sh.template":   "echo {{ clusterconfig['clusterinfo']['nvidia_drivers_version'] }}\n",
		"pai-management/src/hadoop-run/image.yaml":          "prerequisite: None\ntemplatelist:\n  - dockerfile\n  - start.sh\ncopy:\n  - ../frameworklauncher/pom.xml\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"base-image": "", "hadoop-run": "base-image<FROM@.dockyard/rendered/hadoop-run/dockerfile:1"}
	if diff := cmp.Diff(want, summary(p)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// copy-list paths are relative to pai-management/, and a src lands
	// inside dst, as pai's cp -r did.
	if diff := cmp.Diff([]config.CopyItem{{Src: "frameworklauncher", Dst: "pai-management/src/base-image/copied_file/frameworklauncher", Line: 2}}, p.Image("base-image").CopyList); diff != "" {
		t.Errorf("base-image copy-list (-want +got):\n%s", diff)
	}
	run := p.Image("hadoop-run")
	wantCopies := []config.CopyItem{
		{Src: "frameworklauncher/pom.xml", Dst: "pai-management/src/hadoop-run/copied_file/pom.xml", Line: 6},
		{Src: ".dockyard/rendered/hadoop-run/start.sh", Dst: "pai-management/src/hadoop-run/start.sh", Line: 4},
	}
	if diff := cmp.Diff(wantCopies, run.CopyList); diff != "" {
		t.Errorf("hadoop-run copy-list (-want +got):\n%s", diff)
	}
	got, err := os.ReadFile(p.Abs(run.Dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	if want := "FROM openpai/base-image\nENV H=2.7.2\nCOPY start.sh /"; string(got) != want {
		t.Errorf("rendered Dockerfile = %q, want %q", got, want)
	}
	if got, _ := os.ReadFile(p.Abs(".dockyard/rendered/hadoop-run/start.sh")); string(got) != "echo 384.111" {
		t.Errorf("rendered start.sh = %q", got)
	}
	if _, err := os.Stat(p.Abs("pai-management/src/hadoop-run/start.sh")); err == nil {
		t.Error("rendering wrote into the image's folder")
	}
}

// pai 0.5 built the images service.yaml lists, with its entries, and not
// its folders' image.yaml.
func TestPai1ServiceFile(t *testing.T) {
	p, err := pai1(t, map[string]string{
		"cluster-configuration/services-configuration.yaml": paiServices,
		"pai-management/service.yaml":                       "imagelist:\n  base-image:\n    templatelist: [None]\n    prerequisite: None\n  zookeeper:\n    templatelist:\n      - dockerfile\n    prerequisite: base-image\nservicelist: {}\n",
		"pai-management/src/base-image/dockerfile":          "FROM scratch\n",
		"pai-management/src/base-image/image.yaml":          "templatelist: [start.sh]\n",
		"pai-management/src/zookeeper/dockerfile.template":  "FROM {{ clusterconfig.clusterinfo.dockerregistryinfo.docker_namespace }}/base-image\n",
		"pai-management/src/zookeeper/image.yaml":           "",
		"pai-management/src/unlisted/dockerfile":            "FROM scratch\n",
		"pai-management/src/unlisted/image.yaml":            "",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"base-image": "", "zookeeper": "base-image<FROM@.dockyard/rendered/zookeeper/dockerfile:1"}
	if diff := cmp.Diff(want, summary(p)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPai1Errors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"a value the configuration lacks", map[string]string{
			"pai-management/src/a/dockerfile.template": "FROM scratch\nENV X={{ clusterconfig['clusterinfo']['nope'] }}\n",
			"pai-management/src/a/image.yaml":          "template-list: [dockerfile]\n",
		}, "pai-management/src/a/dockerfile.template: rendering: "},
		{"a template that is not there", map[string]string{
			"pai-management/src/a/dockerfile": "FROM scratch\n",
			"pai-management/src/a/image.yaml": "template-list:\n  - start.sh\n",
		}, "pai-management/src/a/image.yaml:2: template-list: pai-management/src/a/start.sh.template does not exist"},
		{"a template name that is a path", map[string]string{
			"pai-management/src/a/dockerfile": "FROM scratch\n",
			"pai-management/src/a/image.yaml": "template-list: [../../x]\n",
		}, `pai-management/src/a/image.yaml:1: template-list: "../../x" is not a file name of the image's folder`},
		{"a copy into itself", map[string]string{
			"pai-management/src/a/dockerfile": "FROM scratch\n",
			"pai-management/src/a/image.yaml": "copy-list:\n  - src: src\n    dst: src/a/copied_file\n",
		}, `pai-management/src/a/image.yaml:2: copy-list: pai-management/src would be copied into itself`},
		{"a copy leaving the repository", map[string]string{
			"pai-management/src/a/dockerfile": "FROM scratch\n",
			"pai-management/src/a/image.yaml": "copy:\n  - ../../etc\n",
		}, `pai-management/src/a/image.yaml:2: copy: path "../../etc" escapes the repository`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.files["cluster-configuration/services-configuration.yaml"] = paiServices
			_, err := pai1(t, tt.files)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	// pai 0.5's imagelist naming no folder of src.
	dir := repo(t, map[string]string{
		"pai-management/service.yaml":     "imagelist:\n  gone:\n    prerequisite: None\n",
		"pai-management/src/a/dockerfile": "FROM scratch\n",
		"pai-management/src/a/image.yaml": "",
	})
	if _, err := load(t, dir, ""); err == nil || err.Error() != "pai-management/service.yaml: imagelist: image gone has no folder pai-management/src/gone" {
		t.Errorf("error %v", err)
	}
	// Nothing is written through a symlink in place of .dockyard, even
	// one that stays in the repository.
	dir = repo(t, map[string]string{
		"cluster-configuration/services-configuration.yaml": paiServices,
		"pai-management/src/a/dockerfile.template":          "FROM scratch\n",
		"pai-management/src/a/image.yaml":                   "template-list: [dockerfile]\n",
		"elsewhere/.keep":                                   "",
	})
	if err := os.Symlink("elsewhere", filepath.Join(dir, ".dockyard")); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Values, err = config.LoadPaiValues(filepath.Join(dir, "cluster-configuration")); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir, cfg, ""); err == nil || !strings.Contains(err.Error(), ".dockyard: is a symlink") {
		t.Errorf("error %v, want .dockyard: is a symlink", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "elsewhere", "rendered")); err == nil {
		t.Error("rendered through the symlink")
	}
	// Without a cluster configuration a template cannot be rendered.
	dir = repo(t, map[string]string{
		"pai-management/src/a/dockerfile.template": "FROM scratch\n",
		"pai-management/src/a/image.yaml":          "template-list: [dockerfile]\n",
	})
	_, err = load(t, dir, "")
	if want := "pai-management/src/a/image.yaml:1: template-list: rendering pai-management/src/a/dockerfile.template needs pai's cluster configuration; name its folder with -c DIR or config_dir: in dockyard.yaml"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}
