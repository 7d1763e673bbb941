package buildkit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dockyard-build/dockyard/internal/testenv"
)

// testCerts are the paths of a CA, the daemons' certificate and a
// client's, all for 127.0.0.1.
type testCerts struct {
	ca, serverCert, serverKey, clientCert, clientKey string
}

// makeCerts writes a CA and the certificates it signs into dir.
func makeCerts(t *testing.T, dir string) testCerts {
	t.Helper()
	caKey, caDER := makeCert(t, nil, nil, &x509.Certificate{
		Subject: pkix.Name{CommonName: "dockyard test CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign,
	})
	ca, _ := x509.ParseCertificate(caDER)
	c := testCerts{ca: filepath.Join(dir, "ca.pem")}
	writePEM(t, c.ca, "CERTIFICATE", caDER)
	for _, who := range []struct {
		name      string
		usage     x509.ExtKeyUsage
		cert, key *string
		addresses []net.IP
	}{
		{"server", x509.ExtKeyUsageServerAuth, &c.serverCert, &c.serverKey, []net.IP{net.ParseIP("127.0.0.1")}},
		{"client", x509.ExtKeyUsageClientAuth, &c.clientCert, &c.clientKey, nil},
	} {
		key, der := makeCert(t, ca, caKey, &x509.Certificate{
			Subject: pkix.Name{CommonName: "dockyard test " + who.name}, IPAddresses: who.addresses,
			ExtKeyUsage: []x509.ExtKeyUsage{who.usage}, KeyUsage: x509.KeyUsageDigitalSignature,
		})
		*who.cert, *who.key = filepath.Join(dir, who.name+".pem"), filepath.Join(dir, who.name+"-key.pem")
		writePEM(t, *who.cert, "CERTIFICATE", der)
		raw, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		writePEM(t, *who.key, "EC PRIVATE KEY", raw)
	}
	return c
}

// makeCert signs tmpl with parent's key, or itself when parent is nil.
func makeCert(t *testing.T, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, tmpl *x509.Certificate) (*ecdsa.PrivateKey, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = big.NewInt(time.Now().UnixNano())
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	return key, der
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// testDaemon is a buildkitd a test started, with a root of its own, on a
// TCP port of the loopback address that requires the client certificate.
type testDaemon struct {
	Worker
	cmd  *exec.Cmd
	done chan struct{}
}

// startDaemon starts a buildkitd for the test and stops it at its end.
// It needs root and buildkitd on the PATH (scripts/buildkitd.sh).
func startDaemon(t *testing.T, c testCerts) *testDaemon {
	t.Helper()
	bin, err := exec.LookPath("buildkitd")
	if err != nil || os.Geteuid() != 0 {
		testenv.Missing(t, "the pool's tests start buildkitd as root (run scripts/buildkitd.sh as root)")
	}
	dir, err := os.MkdirTemp("", "dockyard-pool-test-")
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "tcp://" + l.Addr().String()
	l.Close()
	conf := filepath.Join(dir, "buildkitd.toml")
	if err := os.WriteFile(conf, []byte("[worker.oci]\n  enabled = true\n  snapshotter = \"native\"\n[worker.containerd]\n  enabled = false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	log, err := os.Create(filepath.Join(dir, "buildkitd.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config", conf, "--root", filepath.Join(dir, "root"), "--addr", addr,
		"--otel-socket-path", filepath.Join(dir, "otel.sock"),
		"--tlscacert", c.ca, "--tlscert", c.serverCert, "--tlskey", c.serverKey)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &testDaemon{
		Worker: Worker{Address: addr, CA: c.ca, Cert: c.clientCert, Key: c.clientKey, MaxBuilds: 1},
		cmd:    cmd, done: make(chan struct{}),
	}
	go func() { cmd.Wait(); log.Close(); close(d.done) }()
	t.Cleanup(func() {
		d.stop(syscall.SIGTERM)
		if t.Failed() {
			out, _ := os.ReadFile(log.Name())
			t.Logf("buildkitd at %s:\n%s", addr, tail(out, 2000))
		}
		unmountUnder(dir)
		os.RemoveAll(dir)
	})
	for start := time.Now(); ; time.Sleep(200 * time.Millisecond) {
		if _, err := Probe(t.Context(), d.Worker); err == nil {
			return d
		} else if time.Since(start) > 60*time.Second {
			t.Fatalf("buildkitd at %s does not answer: %v", addr, err)
		}
	}
}

// stop signals the daemon's process group and waits for it to exit.
func (d *testDaemon) stop(sig syscall.Signal) {
	syscall.Kill(-d.cmd.Process.Pid, sig)
	select {
	case <-d.done:
	case <-time.After(20 * time.Second):
		syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
		<-d.done
	}
}

// unmountUnder detaches what a killed daemon left mounted under dir (the
// rootfs of the step it ran).
func unmountUnder(dir string) {
	data, _ := os.ReadFile("/proc/self/mounts")
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(f[1], dir+"/") {
			syscall.Unmount(f[1], syscall.MNT_DETACH)
		}
	}
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return fmt.Sprint(string(b))
}
