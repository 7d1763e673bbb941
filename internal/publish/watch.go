package publish

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
)

// watchQuiet is how long a registry's same trouble is not told again.
const watchQuiet = 2 * time.Second

// watchTransport tells, while the retries run, of each request to a
// registry that failed in a way worth another try: a registry that went
// away shows its retries as they happen, not only once it is given up.
type watchTransport struct {
	inner   http.RoundTripper
	onRetry func(host string, err error)

	mu   sync.Mutex
	last map[string]told // by host
}

type told struct {
	msg string
	at  time.Time
}

func newWatchTransport(inner http.RoundTripper, onRetry func(string, error)) *watchTransport {
	return &watchTransport{inner: inner, onRetry: onRetry, last: map[string]told{}}
}

func (t *watchTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.inner.RoundTrip(req)
	switch {
	case err != nil && transient(err) && req.Context().Err() == nil:
		t.tell(req.URL.Host, err)
	case err == nil && slices.Contains(retryCodes, resp.StatusCode):
		t.tell(req.URL.Host, fmt.Errorf("HTTP %s", resp.Status))
	}
	return resp, err
}

// tell passes a failure on, unless the same was told of host just now.
func (t *watchTransport) tell(host string, err error) {
	t.mu.Lock()
	prev := t.last[host]
	now := time.Now()
	if prev.msg == err.Error() && now.Sub(prev.at) < watchQuiet {
		t.mu.Unlock()
		return
	}
	t.last[host] = told{msg: err.Error(), at: now}
	t.mu.Unlock()
	t.onRetry(host, err)
}
