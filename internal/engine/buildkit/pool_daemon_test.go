package buildkit

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/enginetest"
	"github.com/dockyard-build/dockyard/internal/testenv"
)

// poolEngine opens an engine on the daemons with an image layout at root.
func poolEngine(t *testing.T, root string, ds ...Worker) *Engine {
	t.Helper()
	e, err := New(t.Context(), Options{Workers: ds, Root: root})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if err := e.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	return e
}

// busyboxRequest writes a context with a static busybox and the
// Dockerfile, and returns the request that builds it as image.
func busyboxRequest(t *testing.T, image, dockerfile string) engine.Request {
	t.Helper()
	bin, err := os.ReadFile("/usr/bin/busybox")
	if err != nil {
		testenv.Missing(t, "no static busybox (apt-get install busybox-static): %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "busybox"), bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		t.Fatal(err)
	}
	return engine.Request{Image: image, ContextDir: dir, Dockerfile: filepath.Join(dir, "Dockerfile"), Tags: []string{image}}
}

// workersOf lists the workers a build's logs say it ran on, in order.
func workersOf(logs string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`#0 worker (\S+), platform`).FindAllStringSubmatch(logs, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestPoolRequiresTheClientCertificate(t *testing.T) {
	c := makeCerts(t, t.TempDir())
	d := startDaemon(t, c)
	if _, err := Probe(t.Context(), d.Worker); err != nil {
		t.Fatalf("with the certificate: %v", err)
	}
	other := makeCerts(t, t.TempDir())
	for name, w := range map[string]Worker{
		"no certificate":       {Address: d.Address},
		"another CA's client":  {Address: d.Address, CA: c.ca, Cert: other.clientCert, Key: other.clientKey},
		"server of another CA": {Address: d.Address, CA: other.ca, Cert: c.clientCert, Key: c.clientKey},
	} {
		if _, err := Probe(t.Context(), w); err == nil {
			t.Errorf("%s: buildkitd answered", name)
		}
	}
}

func TestPoolSpreadsOverTheLeastLoaded(t *testing.T) {
	c := makeCerts(t, t.TempDir())
	a, b := startDaemon(t, c), startDaemon(t, c)
	a.MaxBuilds, b.MaxBuilds = 2, 2
	e := poolEngine(t, t.TempDir(), a.Worker, b.Worker)
	var wg sync.WaitGroup
	logs := make([]enginetest.SyncBuffer, 4)
	for i := range logs {
		req := busyboxRequest(t, fmt.Sprintf("spread-%d", i), fmt.Sprintf("FROM scratch\nCOPY busybox /busybox\nRUN [\"/busybox\", \"sh\", \"-c\", \"sleep 2; echo %d > /n\"]\n", i))
		wg.Go(func() {
			if _, err := e.Build(t.Context(), req, &logs[i]); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	count := map[string]int{}
	for i := range logs {
		ws := workersOf(logs[i].String())
		if len(ws) != 1 {
			t.Fatalf("build %d ran on %v", i, ws)
		}
		count[ws[0]]++
	}
	if count[a.Address] != 2 || count[b.Address] != 2 {
		t.Errorf("builds per worker: %v, want 2 on each", count)
	}
}

func TestPoolMovesTheBuildsOfALostWorker(t *testing.T) {
	c := makeCerts(t, t.TempDir())
	a, b := startDaemon(t, c), startDaemon(t, c)
	e := poolEngine(t, t.TempDir(), a.Worker, b.Worker)
	req := busyboxRequest(t, "moved", "FROM scratch\nCOPY busybox /busybox\nRUN [\"/busybox\", \"sh\", \"-c\", \"echo started; sleep 6\"]\n")
	var logs enginetest.SyncBuffer
	go func() {
		for !strings.Contains(logs.String(), "started") {
			time.Sleep(100 * time.Millisecond)
		}
		a.stop(syscall.SIGKILL)
	}()
	res, err := e.Build(t.Context(), req, &logs)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	if len(res.Attempts) != 2 || res.Attempts[0].Worker != a.Address || res.Attempts[0].Error == "" ||
		res.Attempts[1] != (engine.Attempt{Worker: b.Address}) {
		t.Errorf("attempts: %+v", res.Attempts)
	}
	if got, want := workersOf(logs.String()), []string{a.Address, b.Address}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("attempts on %v, want %v", got, want)
	}
	if !strings.Contains(logs.String(), "#0 worker "+a.Address+" lost") {
		t.Errorf("logs do not say the worker was lost:\n%s", logs.String())
	}
}

func TestPoolDoesNotRetryAFailingStep(t *testing.T) {
	c := makeCerts(t, t.TempDir())
	a, b := startDaemon(t, c), startDaemon(t, c)
	e := poolEngine(t, t.TempDir(), a.Worker, b.Worker)
	req := busyboxRequest(t, "fails", "FROM scratch\nCOPY busybox /busybox\nRUN [\"/busybox\", \"false\"]\n")
	var logs enginetest.SyncBuffer
	_, err := e.Build(t.Context(), req, &logs)
	if _, ok := errors.AsType[*engine.StepError](err); !ok {
		t.Fatalf("a failing RUN: %v, want a step error", err)
	}
	if got := workersOf(logs.String()); len(got) != 1 {
		t.Errorf("a failing RUN was tried on %v", got)
	}
}

func TestPoolPlatformsAndParentsAcrossWorkers(t *testing.T) {
	c := makeCerts(t, t.TempDir())
	a, b := startDaemon(t, c), startDaemon(t, c)
	a.Platforms, b.Platforms = []string{"linux/amd64"}, []string{"linux/amd64", "linux/arm64"}
	root := t.TempDir()
	both := poolEngine(t, root, a.Worker, b.Worker)

	arm := busyboxRequest(t, "arm", "FROM scratch\nCOPY Dockerfile /\n")
	arm.Platform = "linux/arm64"
	for range 2 {
		var logs enginetest.SyncBuffer
		if _, err := both.Build(t.Context(), arm, &logs); err != nil {
			t.Fatal(err)
		}
		if got := workersOf(logs.String()); fmt.Sprint(got) != fmt.Sprint([]string{b.Address}) {
			t.Errorf("linux/arm64 built on %v, want %s only", got, b.Address)
		}
	}
	arm.Platform = "linux/s390x"
	if _, err := both.Build(t.Context(), arm, &enginetest.SyncBuffer{}); err == nil || !strings.Contains(err.Error(), "no worker that answers builds linux/s390x") {
		t.Errorf("a platform no worker builds: %v", err)
	}

	// A parent built on a, pinned, and its child built on b alone: the
	// parent travels from the layout through b's session.
	onA, onB := poolEngine(t, root, a.Worker), poolEngine(t, root, b.Worker)
	parent := busyboxRequest(t, "parent", "FROM scratch\nCOPY busybox /busybox\nRUN [\"/busybox\", \"sh\", \"-c\", \"echo from-a > /parent.txt\"]\n")
	res, err := onA.Build(t.Context(), parent, &enginetest.SyncBuffer{})
	if err != nil {
		t.Fatal(err)
	}
	pin, release, err := onB.Pin(t.Context(), res.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	child := busyboxRequest(t, "child", "FROM "+pin+"\nRUN [\"/busybox\", \"grep\", \"from-a\", \"/parent.txt\"]\n")
	var logs enginetest.SyncBuffer
	if _, err := onB.Build(t.Context(), child, &logs); err != nil {
		t.Fatalf("child on %s: %v\n%s", b.Address, err, logs.String())
	}
}

func TestPoolMovesTheBuildsOfACutOffWorker(t *testing.T) {
	ipt, err := exec.LookPath("iptables")
	if err != nil {
		testenv.Missing(t, "cutting a worker off needs iptables (apt-get install iptables)")
	}
	c := makeCerts(t, t.TempDir())
	a, b := startDaemon(t, c), startDaemon(t, c)
	e := poolEngine(t, t.TempDir(), a.Worker, b.Worker)
	port := a.Address[strings.LastIndex(a.Address, ":")+1:]
	// Every packet to and from a's port is dropped: its connections stay
	// open and carry nothing, as when a network is cut.
	rules := [][]string{
		{"INPUT", "-i", "lo", "-p", "tcp", "--dport", port, "-j", "DROP"},
		{"OUTPUT", "-o", "lo", "-p", "tcp", "--sport", port, "-j", "DROP"},
	}
	t.Cleanup(func() {
		for _, r := range rules {
			exec.Command(ipt, append([]string{"-D"}, r...)...).Run()
		}
	})
	req := busyboxRequest(t, "cut", "FROM scratch\nCOPY busybox /busybox\nRUN [\"/busybox\", \"sh\", \"-c\", \"echo started; sleep 4\"]\n")
	var logs enginetest.SyncBuffer
	go func() {
		for !strings.Contains(logs.String(), "started") {
			time.Sleep(100 * time.Millisecond)
		}
		for _, r := range rules {
			if out, err := exec.Command(ipt, append([]string{"-I"}, r...)...).CombinedOutput(); err != nil {
				t.Errorf("iptables: %v: %s", err, out)
			}
		}
	}()
	res, err := e.Build(t.Context(), req, &logs)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	if len(res.Attempts) != 2 || res.Attempts[0].Worker != a.Address || !strings.Contains(res.Attempts[0].Error, "the worker stopped answering") ||
		res.Attempts[1] != (engine.Attempt{Worker: b.Address}) {
		t.Errorf("attempts: %+v\n%s", res.Attempts, logs.String())
	}
}
