package publish

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
)

// TestRetriesAreToldAsTheyRun: a registry answering 503 twice is told of
// while the push retries, once per distinct trouble, and the push ends well.
func TestRetriesAreToldAsTheyRun(t *testing.T) {
	f := &flaky{next: registry.New(registry.Logger(quiet))}
	f.n.Store(2)
	srv := httptest.NewServer(f)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	var mu sync.Mutex
	var told []string
	onRetry := func(h string, err error) {
		mu.Lock()
		defer mu.Unlock()
		told = append(told, h+": "+err.Error())
	}
	if _, err := newPusher(t, Options{OnRetry: onRetry}).Push(t.Context(), randomImage(t, 1), []string{host + "/ns/app:1"}); err != nil {
		t.Fatalf("push after two 503s: %v", err)
	}
	if len(told) != 1 || !strings.Contains(told[0], host+": HTTP 503") {
		t.Errorf("told %q, want one line of %s's 503s", told, host)
	}
}

// TestUnresolvableRegistry: a registry name that does not resolve is said
// so at once, never as retries that took no time.
func TestUnresolvableRegistry(t *testing.T) {
	dns := roundTripperFunc(func(r *http.Request) (*http.Response, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "reg.nowhere.example", IsNotFound: true}}
	})
	_, err := newPusher(t, Options{Transport: dns}).Push(t.Context(), randomImage(t, 1), []string{"reg.nowhere.example/ns/app:1"})
	var re *ResolveError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want a ResolveError", err)
	}
	if want := "cannot resolve reg.nowhere.example (registry reg.nowhere.example): no such host"; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
