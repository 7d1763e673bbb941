package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// AuthError is a registry refusing to let dockyard push: the credentials
// are wrong, or there are none. Its message is one line and names the
// registry and where the credentials came from, never what they are.
type AuthError struct {
	Registry string
	// From says where the credentials came from; "" when there were none.
	From   string
	Status int
}

func (e *AuthError) Error() string {
	if e.From == "" {
		return fmt.Sprintf("registry %s wants credentials and none are configured for it", e.Registry)
	}
	if e.Status == http.StatusForbidden {
		return fmt.Sprintf("registry %s denied the push with the credentials from %s", e.Registry, e.From)
	}
	return fmt.Sprintf("registry %s refused the credentials from %s", e.Registry, e.From)
}

// UnreachableError is a registry that did not answer, even after retries.
type UnreachableError struct {
	Registry string
	Tried    time.Duration
	Err      error
}

func (e *UnreachableError) Error() string {
	if e.Tried < time.Second {
		return fmt.Sprintf("registry %s does not answer: %v", e.Registry, e.Err)
	}
	return fmt.Sprintf("registry %s does not answer (gave up after %s of retries): %v", e.Registry, e.Tried.Round(time.Second), e.Err)
}

// ResolveError is a registry whose host name does not resolve: no retry
// helps, the name is wrong or the DNS does not know it.
type ResolveError struct {
	Registry string
	Err      *net.DNSError
}

func (e *ResolveError) Error() string {
	return fmt.Sprintf("cannot resolve %s (registry %s): %s", e.Err.Name, e.Registry, e.Err.Err)
}

func (e *ResolveError) Unwrap() error { return e.Err }

func (e *UnreachableError) Unwrap() error { return e.Err }

// DockerConfigError is a docker config (~/.docker/config.json or
// $DOCKER_CONFIG/config.json) that cannot be read, or a credential helper
// it names that fails: the user's configuration, not the registry.
type DockerConfigError struct{ Err error }

func (e *DockerConfigError) Error() string {
	return fmt.Sprintf("reading the docker config for credentials: %v", e.Err)
}

func (e *DockerConfigError) Unwrap() error { return e.Err }

// transient reports whether a failed request is worth another try: the
// network failed or the registry went away for a moment.
func transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if _, ok := errors.AsType[*DockerConfigError](err); ok {
		return false
	}
	if t, ok := errors.AsType[interface {
		error
		Temporary() bool
	}](err); ok && t.Temporary() {
		return true
	}
	for _, e := range []error{io.ErrUnexpectedEOF, io.EOF, syscall.EPIPE, syscall.ECONNRESET, syscall.ECONNREFUSED, net.ErrClosed} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// explain turns a failed push of ref into an error that says what to do.
func (p *Pusher) explain(ctx context.Context, ref name.Reference, took time.Duration, err error) error {
	host := ref.Context().RegistryStr()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if ce, ok := errors.AsType[*DockerConfigError](err); ok {
		return ce
	}
	if te, ok := errors.AsType[*transport.Error](err); ok && (te.StatusCode == http.StatusUnauthorized || te.StatusCode == http.StatusForbidden) {
		return &AuthError{Registry: host, From: p.keys.From(host), Status: te.StatusCode}
	}
	if dns, ok := errors.AsType[*net.DNSError](err); ok {
		return &ResolveError{Registry: host, Err: dns}
	}
	if op, ok := errors.AsType[*net.OpError](err); ok {
		return &UnreachableError{Registry: host, Tried: took, Err: op}
	}
	if transient(err) {
		return &UnreachableError{Registry: host, Tried: took, Err: err}
	}
	return fmt.Errorf("%s: %w", ref, err)
}
