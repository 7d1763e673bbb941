package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

var quiet = log.New(io.Discard, "", 0)

var fastBackoff = remote.Backoff{Duration: time.Millisecond, Factor: 2, Steps: 3}

// counter counts a registry's blob uploads: the requests that carry a
// blob's bytes (PATCH, or PUT with a body).
type counter struct {
	next    http.Handler
	uploads atomic.Int64
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.Contains(r.URL.Path, "/blobs/uploads/") && (r.Method == http.MethodPatch || (r.Method == http.MethodPut && r.ContentLength > 0)) {
		c.uploads.Add(1)
	}
	c.next.ServeHTTP(w, r)
}

// newRegistry starts an in-memory registry and returns its host and its
// upload counter.
func newRegistry(t *testing.T) (string, *counter) {
	t.Helper()
	c := &counter{next: registry.New(registry.Logger(quiet))}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), c
}

func randomImage(t *testing.T, layers int64) v1.Image {
	t.Helper()
	img, err := random.Image(1024, layers)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// child is base with one more layer, as a Dockerfile's FROM base makes.
func child(t *testing.T, base v1.Image) v1.Image {
	t.Helper()
	l, err := random.Layer(512, types.DockerLayer)
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(base, l)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func newPusher(t *testing.T, o Options) *Pusher {
	t.Helper()
	if o.Backoff.Steps == 0 {
		o.Backoff = fastBackoff
	}
	p, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPushAndPullBack(t *testing.T) {
	host, _ := newRegistry(t)
	img := randomImage(t, 3)
	refs := []string{host + "/ns/app:v1", host + "/ns/app:abc123"}
	pushed, err := newPusher(t, Options{}).Push(t.Context(), img, refs)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := img.Digest()
	if len(pushed) != 2 || pushed[1].String() != refs[1]+"@"+want.String() {
		t.Fatalf("pushed %v", pushed)
	}
	for _, r := range refs {
		ref, err := name.ParseReference(r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := remote.Image(ref)
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := got.Digest(); d != want {
			t.Errorf("%s has digest %s, want %s", r, d, want)
		}
	}
}

func TestOnlyMissingBlobsAreUploaded(t *testing.T) {
	host, c := newRegistry(t)
	base := randomImage(t, 3)
	p := newPusher(t, Options{})
	if _, err := p.Push(t.Context(), base, []string{host + "/ns/base:1"}); err != nil {
		t.Fatal(err)
	}
	if n := c.uploads.Load(); n != 4 {
		t.Errorf("first push uploaded %d blobs, want 4 (3 layers and the config)", n)
	}
	// A fresh pusher, as a second run: the registry already has them all.
	c.uploads.Store(0)
	if _, err := newPusher(t, Options{}).Push(t.Context(), base, []string{host + "/ns/base:1", host + "/ns/base:2"}); err != nil {
		t.Fatal(err)
	}
	if n := c.uploads.Load(); n != 0 {
		t.Errorf("pushing what the registry has uploaded %d blobs", n)
	}
	// A child uploads its own layer and config only.
	c.uploads.Store(0)
	if _, err := p.Push(t.Context(), child(t, base), []string{host + "/ns/child:1"}); err != nil {
		t.Fatal(err)
	}
	if n := c.uploads.Load(); n != 2 {
		t.Errorf("child uploaded %d blobs, want 2 (its layer and its config)", n)
	}
}

// flaky fails the first n requests with 503.
type flaky struct {
	next http.Handler
	n    atomic.Int64
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.n.Add(-1) >= 0 {
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	f.next.ServeHTTP(w, r)
}

func TestRetriesTransientFailures(t *testing.T) {
	f := &flaky{next: registry.New(registry.Logger(quiet))}
	f.n.Store(2)
	srv := httptest.NewServer(f)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	if _, err := newPusher(t, Options{}).Push(t.Context(), randomImage(t, 1), []string{host + "/ns/app:1"}); err != nil {
		t.Fatalf("push after two 503s: %v", err)
	}
}

func TestRegistryDown(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(quiet)))
	host := strings.TrimPrefix(srv.URL, "http://")
	srv.Close()
	_, err := newPusher(t, Options{}).Push(t.Context(), randomImage(t, 1), []string{host + "/ns/app:1"})
	var ue *UnreachableError
	if !errors.As(err, &ue) || ue.Registry != host {
		t.Fatalf("err = %v, want an UnreachableError for %s", err, host)
	}
	if msg := err.Error(); !strings.Contains(msg, "registry "+host+" does not answer") || strings.Contains(msg, "\n") {
		t.Errorf("message %q", msg)
	}
}

// source is a store of images by name.
type source struct {
	mu     sync.Mutex
	images map[string]v1.Image
	reads  []string
}

func (s *source) Image(_ context.Context, ref string) (v1.Image, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads = append(s.reads, ref)
	if img, ok := s.images[ref]; ok {
		return img, nil
	}
	return nil, fmt.Errorf("no image %s", ref)
}

func TestPushAll(t *testing.T) {
	host, _ := newRegistry(t)
	base := randomImage(t, 2)
	src := &source{images: map[string]v1.Image{"base": base, "a": child(t, base), "b": child(t, base)}}
	var jobs []Job
	for _, n := range []string{"base", "a", "b"} {
		jobs = append(jobs, Job{Image: n, Refs: []string{host + "/ns/" + n + ":1"}})
	}
	var got []string
	err := newPusher(t, Options{}).PushAll(t.Context(), src, jobs, 2, func(p Pushed) { got = append(got, p.Ref) })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Errorf("pushed %v", got)
	}

	jobs = append(jobs, Job{Image: "never-built", Refs: []string{host + "/ns/never-built:1"}})
	err = newPusher(t, Options{}).PushAll(t.Context(), src, jobs[3:], 2, func(Pushed) {})
	if err == nil || !strings.Contains(err.Error(), "pushing never-built: no image never-built") {
		t.Errorf("missing image: %v", err)
	}
}

func TestRehome(t *testing.T) {
	for _, tt := range []struct{ ref, registry, want string }{
		{"base:latest", "127.0.0.1:5000", "127.0.0.1:5000/base:latest"},
		{"federatedai/python:1.0", "127.0.0.1:5000", "127.0.0.1:5000/federatedai/python:1.0"},
		{"registry.example:5000/ns/app:2", "127.0.0.1:5000/", "127.0.0.1:5000/ns/app:2"},
		{"localhost/app:1", "mirror.example/team", "mirror.example/team/app:1"},
		{"registry.example/app:1", "127.0.0.1:5000", "127.0.0.1:5000/app:1"},
	} {
		if got := Rehome(tt.ref, tt.registry); got != tt.want {
			t.Errorf("Rehome(%q, %q) = %q, want %q", tt.ref, tt.registry, got, tt.want)
		}
	}
}
