package kubernetes

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/testenv"
)

// objects decodes buildkitd.yaml strictly, each document into its kind's
// API type: an unknown or misspelt field fails.
func objects(t *testing.T) (*corev1.Service, *appsv1.StatefulSet) {
	t.Helper()
	data, err := os.ReadFile("buildkitd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var svc *corev1.Service
	var sts *appsv1.StatefulSet
	for i, doc := range strings.Split(string(data), "\n---\n") {
		var meta metav1.TypeMeta
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			t.Fatalf("document %d: %v", i+1, err)
		}
		var obj any
		switch meta.APIVersion + " " + meta.Kind {
		case "v1 Namespace":
			obj = &corev1.Namespace{}
		case "v1 Service":
			svc = &corev1.Service{}
			obj = svc
		case "apps/v1 StatefulSet":
			sts = &appsv1.StatefulSet{}
			obj = sts
		default:
			t.Fatalf("document %d: unexpected %s %s", i+1, meta.APIVersion, meta.Kind)
		}
		if err := yaml.UnmarshalStrict([]byte(doc), obj); err != nil {
			t.Fatalf("document %d (%s): %v", i+1, meta.Kind, err)
		}
	}
	if svc == nil || sts == nil {
		t.Fatal("buildkitd.yaml needs a Service and a StatefulSet")
	}
	return svc, sts
}

func TestStatefulSetMatchesItsService(t *testing.T) {
	svc, sts := objects(t)
	if sts.Spec.ServiceName != svc.Name || svc.Spec.ClusterIP != corev1.ClusterIPNone || sts.Namespace != svc.Namespace {
		t.Errorf("the StatefulSet's pods need the headless Service %s/%s for their names", sts.Namespace, sts.Spec.ServiceName)
	}
	labels := sts.Spec.Template.Labels
	for k, v := range svc.Spec.Selector {
		if labels[k] != v || sts.Spec.Selector.MatchLabels[k] != v {
			t.Errorf("the Service selects %s=%s, which the pods do not carry", k, v)
		}
	}
	c := buildkitd(t, sts)
	if len(c.Ports) != 1 || len(svc.Spec.Ports) != 1 || c.Ports[0].ContainerPort != svc.Spec.Ports[0].Port {
		t.Errorf("container ports %v, Service ports %v", c.Ports, svc.Spec.Ports)
	}
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
		if _, ok := c.Resources.Limits[r]; !ok {
			t.Errorf("no %s limit", r)
		}
		if _, ok := c.Resources.Requests[r]; !ok {
			t.Errorf("no %s request", r)
		}
	}
}

func TestBuildkitdRequiresMTLSFromTheSecret(t *testing.T) {
	_, sts := objects(t)
	c := buildkitd(t, sts)
	var mount string
	for _, m := range c.VolumeMounts {
		if i := slices.IndexFunc(sts.Spec.Template.Spec.Volumes, func(v corev1.Volume) bool { return v.Name == m.Name && v.Secret != nil }); i >= 0 {
			if got := sts.Spec.Template.Spec.Volumes[i].Secret.SecretName; got != "buildkitd-certs" {
				t.Errorf("certificates from Secret %s, want buildkitd-certs (scripts/buildkitd-certs.sh)", got)
			}
			mount = m.MountPath
		}
	}
	if mount == "" {
		t.Fatal("no Secret volume of certificates")
	}
	for _, flag := range []string{"--tlscacert", "--tlscert", "--tlskey"} {
		i := slices.Index(c.Args, flag)
		if i < 0 || i+1 == len(c.Args) || filepath.Dir(c.Args[i+1]) != mount {
			t.Errorf("%s must name a file of the Secret under %s: %v", flag, mount, c.Args)
		}
	}
	if i := slices.Index(c.Args, "--addr"); i < 0 || !strings.HasPrefix(c.Args[i+1], "tcp://") {
		t.Errorf("buildkitd must listen on TCP: %v", c.Args)
	}
}

func TestWorkersBlockNamesEveryPod(t *testing.T) {
	svc, sts := objects(t)
	block, err := os.ReadFile("workers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{config.FileName: "version: 1\nengine: buildkit\n" + string(block)}
	for _, f := range []string{"ca.pem", "client.pem", "client-key.pem"} {
		files["certs/"+f] = "x"
	}
	cfg, err := config.Load(testenv.WriteFiles(t, files))
	if err != nil {
		t.Fatalf("workers.yaml: %v", err)
	}
	var want, got []string
	for i := range *sts.Spec.Replicas {
		want = append(want, fmt.Sprintf("tcp://%s-%d.%s.%s.svc.cluster.local:%d", sts.Name, i, svc.Name, sts.Namespace, svc.Spec.Ports[0].Port))
	}
	for _, w := range cfg.Workers {
		if !w.TLS() {
			t.Errorf("worker %s without mTLS", w.Address)
		}
		got = append(got, w.Address)
	}
	if !slices.Equal(got, want) {
		t.Errorf("workers %v, want the pods %v", got, want)
	}
}

// buildkitd is the StatefulSet's only container.
func buildkitd(t *testing.T, sts *appsv1.StatefulSet) corev1.Container {
	t.Helper()
	cs := sts.Spec.Template.Spec.Containers
	if len(cs) != 1 {
		t.Fatalf("%d containers, want buildkitd alone", len(cs))
	}
	return cs[0]
}
