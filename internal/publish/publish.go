// Package publish ships images to registries with go-containerregistry:
// in parallel, uploading only the blobs a registry lacks (and mounting
// those another of its repositories has), retrying transient failures
// with backoff, with credentials from the docker config and its helpers
// or from dockyard's settings. Its archive sub-package saves many images
// into one file and reads them back.
package publish

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/sync/errgroup"
)

// DefaultBackoff paces the retries of a failed request: four tries, one,
// three and nine seconds apart.
var DefaultBackoff = remote.Backoff{Duration: time.Second, Factor: 3, Jitter: 0.1, Steps: 4}

// retryCodes are the HTTP statuses worth another try.
var retryCodes = []int{
	http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
	http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout,
}

// Options tune a Pusher.
type Options struct {
	// Keychain finds credentials; nil means anonymous.
	Keychain *Keychain
	// Jobs is how many blobs of an image upload at once (default 4).
	Jobs int
	// Backoff paces retries; the zero value means DefaultBackoff.
	Backoff remote.Backoff
	// Transport sends the requests; nil means go-containerregistry's.
	Transport http.RoundTripper
	// OnRetry, when set, is told of each failed request to a registry
	// that will be tried again, while the retries run.
	OnRetry func(host string, err error)
}

// Pushed is a reference pushed and its manifest's digest.
type Pushed struct {
	Ref    string
	Digest v1.Hash
}

// String is the pinned reference, ref@digest.
func (p Pushed) String() string { return p.Ref + "@" + p.Digest.String() }

// Pusher pushes images. A Pusher serves one run: it remembers which blobs
// each registry has, so that a blob is uploaded once per registry.
type Pusher struct {
	remote *remote.Pusher
	keys   *Keychain
	mounts mounts
}

// New returns a Pusher.
func New(o Options) (*Pusher, error) {
	if o.Jobs <= 0 {
		o.Jobs = 4
	}
	if o.Backoff.Steps == 0 {
		o.Backoff = DefaultBackoff
	}
	if o.Keychain == nil {
		o.Keychain = &Keychain{}
	}
	opts := []remote.Option{
		remote.WithAuthFromKeychain(o.Keychain), remote.WithJobs(o.Jobs), remote.WithUserAgent("dockyard"),
		remote.WithRetryBackoff(o.Backoff), remote.WithRetryStatusCodes(retryCodes...), remote.WithRetryPredicate(transient),
	}
	if o.OnRetry != nil {
		inner := o.Transport
		if inner == nil {
			inner = remote.DefaultTransport
		}
		o.Transport = newWatchTransport(inner, o.OnRetry)
	}
	if o.Transport != nil {
		opts = append(opts, remote.WithTransport(o.Transport))
	}
	rp, err := remote.NewPusher(opts...)
	if err != nil {
		return nil, fmt.Errorf("configuring pushes: %w", err)
	}
	return &Pusher{remote: rp, keys: o.Keychain}, nil
}

// Push pushes img to each ref in turn and returns what it pushed. A blob
// the repository has is not uploaded; one that another repository of the
// registry got in this run is mounted from there.
func (p *Pusher) Push(ctx context.Context, img v1.Image, refs []string) ([]Pushed, error) {
	digest, err := img.Digest()
	if err != nil {
		return nil, fmt.Errorf("computing the image's digest: %w", err)
	}
	return p.eachRef(ctx, refs, digest, func(ref name.Reference) error {
		if err := p.remote.Push(ctx, ref, p.mounts.wrap(img, ref)); err != nil {
			return err
		}
		p.mounts.record(img, ref)
		return nil
	})
}

// eachRef pushes to each ref in turn, with push, and returns what it
// pushed, all of digest; a failure is explained and ends it.
func (p *Pusher) eachRef(ctx context.Context, refs []string, digest v1.Hash, push func(name.Reference) error) ([]Pushed, error) {
	var done []Pushed
	for _, r := range refs {
		ref, err := name.ParseReference(r)
		if err != nil {
			return done, fmt.Errorf("pushing %s: %w", r, err)
		}
		start := time.Now()
		if err := push(ref); err != nil {
			return done, p.explain(ctx, ref, time.Since(start), err)
		}
		done = append(done, Pushed{Ref: r, Digest: digest})
	}
	return done, nil
}

// Source reads images by name, as an engine's store does
// (engine.Exporter).
type Source interface {
	Image(ctx context.Context, ref string) (v1.Image, error)
}

// Job is one image to push: its name in the source and its references.
type Job struct {
	Image string
	Refs  []string
}

// PushAll reads each job's image from src and pushes it, jobs images at
// once, calling done (one call at a time) for every reference pushed. The
// first failure stops the others; its error names the image.
func (p *Pusher) PushAll(ctx context.Context, src Source, list []Job, jobs int, done func(Pushed)) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(jobs, 1))
	results := make(chan Pushed)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for r := range results {
			done(r)
		}
	}()
	for _, j := range list {
		g.Go(func() error {
			img, err := src.Image(ctx, j.Image)
			if err != nil {
				return fmt.Errorf("pushing %s: %w", j.Image, err)
			}
			pushed, err := p.Push(ctx, img, j.Refs)
			for _, r := range pushed {
				results <- r
			}
			if err != nil {
				return fmt.Errorf("pushing %s: %w", j.Image, err)
			}
			return nil
		})
	}
	err := g.Wait()
	close(results)
	<-finished
	return err
}

// Rehome moves a reference to another registry, keeping its repository
// path and tag: with registry "127.0.0.1:5000", "base:1" becomes
// "127.0.0.1:5000/base:1" and "registry.example/ns/app:2" becomes
// "127.0.0.1:5000/ns/app:2". registry may end in a namespace
// ("host:5000/mirror"). The first part of a reference is a registry when
// it holds a "." or a ":" or is localhost, as docker decides.
func Rehome(ref, registry string) string {
	if first, rest, ok := strings.Cut(ref, "/"); ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		ref = rest
	}
	return strings.TrimSuffix(registry, "/") + "/" + ref
}
