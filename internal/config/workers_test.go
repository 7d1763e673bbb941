package config

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWorkers(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"certs/ca.pem": "x", "certs/cert.pem": "x", "certs/key.pem": "x",
		FileName: `version: 1
engine: buildkit
workers:
  - address: tcp://127.0.0.1:1234
    ca: certs/ca.pem
    cert: certs/cert.pem
    key: certs/key.pem
    platforms: [linux/amd64]
    max_builds: 2
  - address: unix:///run/b.sock
    enabled: false
`,
	})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	off := false
	want := []Worker{
		{Address: "tcp://127.0.0.1:1234", CA: "certs/ca.pem", Cert: "certs/cert.pem", Key: "certs/key.pem", Platforms: []string{"linux/amd64"}, MaxBuilds: 2, Line: 4},
		{Address: "unix:///run/b.sock", Enabled: &off, Line: 10},
	}
	if diff := cmp.Diff(want, c.Workers); diff != "" {
		t.Errorf("workers (-want +got):\n%s", diff)
	}
	r := c.Workers[0].Resolved(dir)
	if r.CA != filepath.Join(dir, "certs/ca.pem") || r.MaxBuilds != 2 {
		t.Errorf("resolved: %+v", r)
	}
	if r := c.Workers[1].Resolved(dir); r.MaxBuilds != DefaultMaxBuilds || r.On() {
		t.Errorf("second resolved: %+v", r)
	}
}

func TestWorkersProblems(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"certs/ca.pem": "x",
		FileName: `version: 1
buildkit:
  address: unix:///run/a.sock
workers:
  - address: http://127.0.0.1:1234
  - address: tcp://127.0.0.1:1235
    ca: certs/ca.pem
  - address: tcp://127.0.0.1:1236
    ca: ../ca.pem
    cert: certs/missing.pem
    key: /nonexistent/key.pem
    platforms: [linux]
    max_builds: -1
  - address: tcp://127.0.0.1:1236
    enabled: false
    ca: certs/missing.pem
    cert: certs/missing.pem
    key: certs/missing.pem
  - adress: unix:///run/c.sock
`,
	})
	_, err := Load(dir)
	if err == nil {
		t.Fatal("no error")
	}
	got := Lines(err)
	// The unknown key hides none of the other problems.
	want := []string{
		`dockyard.yaml:19: unknown key "workers.adress" (did you mean "address"?); known keys: address, ca, cert, enabled, key, max_builds, platforms`,
		"dockyard.yaml:3: buildkit.address and workers exclude each other: list that daemon among the workers",
		`dockyard.yaml:5: worker address "http://127.0.0.1:1234" is not tcp://host:port or unix:///path`,
		"dockyard.yaml:6: worker tcp://127.0.0.1:1235: ca, cert and key go together (mTLS needs all three)",
		"dockyard.yaml:8: worker tcp://127.0.0.1:1236: max_builds must be at least 1",
		`dockyard.yaml:8: platform "linux" is not os/arch[/variant] (e.g. linux/arm64)`,
		`dockyard.yaml:8: worker tcp://127.0.0.1:1236: ca: path "../ca.pem" escapes the repository`,
		"dockyard.yaml:8: worker tcp://127.0.0.1:1236: cert file certs/missing.pem does not exist",
		"dockyard.yaml:8: worker tcp://127.0.0.1:1236: key file /nonexistent/key.pem does not exist",
		"dockyard.yaml:14: worker tcp://127.0.0.1:1236 is listed twice (first at line 8)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	dir = writeFiles(t, map[string]string{
		"certs/ca.pem": "x",
		FileName: `version: 1
buildkit:
  address: unix:///run/a.sock
workers:
  - address: http://127.0.0.1:1234
  - address: tcp://127.0.0.1:1235
    ca: certs/ca.pem
  - address: tcp://127.0.0.1:1236
    ca: ../ca.pem
    cert: certs/missing.pem
    key: /nonexistent/key.pem
    platforms: [linux]
    max_builds: -1
  - address: tcp://127.0.0.1:1236
    enabled: false
`,
	})
	_, err = Load(dir)
	if err == nil {
		t.Fatal("no error")
	}
	want = []string{
		`dockyard.yaml:3: buildkit.address and workers exclude each other: list that daemon among the workers`,
		`dockyard.yaml:5: worker address "http://127.0.0.1:1234" is not tcp://host:port or unix:///path`,
		`dockyard.yaml:6: worker tcp://127.0.0.1:1235: ca, cert and key go together (mTLS needs all three)`,
		`dockyard.yaml:8: worker tcp://127.0.0.1:1236: max_builds must be at least 1`,
		`dockyard.yaml:8: platform "linux" is not os/arch[/variant] (e.g. linux/arm64)`,
		`dockyard.yaml:8: worker tcp://127.0.0.1:1236: ca: path "../ca.pem" escapes the repository`,
		`dockyard.yaml:8: worker tcp://127.0.0.1:1236: cert file certs/missing.pem does not exist`,
		`dockyard.yaml:8: worker tcp://127.0.0.1:1236: key file /nonexistent/key.pem does not exist`,
		`dockyard.yaml:14: worker tcp://127.0.0.1:1236 is listed twice (first at line 8)`,
	}
	if diff := cmp.Diff(want, Lines(err)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestBuildKitStore(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want []string
	}{
		{"version: 1\n", nil},
		{"version: 1\nbuildkit: {store: registry}\nregistry: {domain: r.example, namespace: ns}\n", nil},
		{"version: 1\nbuildkit:\n  store: registry\nregistry: {namespace: ns}\n",
			[]string{"dockyard.yaml:3: buildkit.store: registry needs a registry to keep images in: set registry.domain"}},
		{"version: 1\nbuildkit:\n  store: disk\n",
			[]string{`dockyard.yaml:3: buildkit.store "disk" is not one of layout, registry`}},
	} {
		c, err := Load(writeFiles(t, map[string]string{FileName: tc.yaml}))
		var got []string
		if err != nil {
			got = Lines(err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q: problems (-want +got):\n%s", tc.yaml, diff)
		}
		if err == nil && c.BuildKit.Store == "" {
			t.Errorf("%q: no default store", tc.yaml)
		}
	}
}
