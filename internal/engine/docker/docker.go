// Package docker builds images through a Docker engine's API: with the
// engine's BuildKit, in a session, when the engine has it, with the classic
// builder otherwise. The classic builder gets the context as a tar; BuildKit
// reads the context and the Dockerfile's directory through the session.
// Either way .dockerignore applies. Images the engine holds, such as the
// project's parents built earlier in the run, resolve as local images:
// nothing is pulled unless the engine lacks it.
package docker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
	"github.com/moby/moby/client/pkg/versions"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// minBuildKitAPI is the first API version whose engines build with BuildKit.
const minBuildKitAPI = "1.39"

// Engine builds images with a Docker engine.
type Engine struct {
	api *client.Client
	// builder forces a builder; empty picks BuildKit when the engine has it.
	builder build.BuilderVersion
	pins    pinCounts
	pulls   pulls
	// stopTimeout bounds how long a canceled build waits for the engine
	// to confirm its end; stops records the builds it did not confirm.
	stopTimeout time.Duration
	stops       engine.Stops
}

var (
	_ engine.Engine       = (*Engine)(nil)
	_ engine.StopReporter = (*Engine)(nil)
)

// New returns an engine for the Docker engine that DOCKER_HOST (and
// DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_API_VERSION) name, the local
// socket by default. DOCKER_BUILDKIT=0 selects the classic builder, as it
// does for the docker CLI. New does not contact the engine: Ping does.
func New(ctx context.Context) (*Engine, error) {
	api, err := client.New(client.FromEnv, client.WithHTTPRequestHook(closeOwnConnections))
	if err != nil {
		return nil, fmt.Errorf("configuring the docker client: %w", err)
	}
	e := &Engine{api: api, stopTimeout: engine.StopTimeout}
	if v, ok := os.LookupEnv("DOCKER_BUILDKIT"); ok && v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			_ = api.Close()
			return nil, fmt.Errorf("parsing DOCKER_BUILDKIT=%q: %w", v, err)
		}
		e.builder = build.BuilderV1
		if on {
			e.builder = build.BuilderBuildKit
		}
	}
	return e, nil
}

// Name returns "docker".
func (e *Engine) Name() string { return "docker" }

// Ping checks that the engine answers and negotiates the API version.
func (e *Engine) Ping(ctx context.Context) error {
	_, err := e.ping(ctx)
	return err
}

func (e *Engine) ping(ctx context.Context) (client.PingResult, error) {
	p, err := e.api.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true})
	if err != nil {
		if ctx.Err() != nil {
			return p, context.Cause(ctx)
		}
		return p, fmt.Errorf("%w: docker engine at %s does not answer: %w; start dockerd or set DOCKER_HOST",
			engine.ErrUnavailable, e.api.DaemonHost(), rootCause(err))
	}
	return p, nil
}

// rootCause returns the network error under a failed connection, without
// the client's advice: it repeats the host and Ping gives its own hint.
func rootCause(err error) error {
	if opErr, ok := errors.AsType[*net.OpError](err); ok {
		return opErr
	}
	return err
}

// builderFor picks the builder for the next build: the one forced with
// DOCKER_BUILDKIT, else BuildKit on a Linux engine recent enough for it.
func (e *Engine) builderFor(ctx context.Context) (build.BuilderVersion, error) {
	p, err := e.ping(ctx)
	if err != nil {
		return "", err
	}
	if e.builder != "" {
		return e.builder, nil
	}
	if p.BuilderVersion == build.BuilderBuildKit {
		return build.BuilderBuildKit, nil
	}
	if p.OSType == "linux" && versions.GreaterThanOrEqualTo(e.api.ClientVersion(), minBuildKitAPI) {
		return build.BuilderBuildKit, nil
	}
	return build.BuilderV1, nil
}

// UnconfirmedStops names the canceled builds whose end the engine did not
// confirm.
func (e *Engine) UnconfirmedStops() error { return e.stops.Err() }

// Close releases the client's connections.
func (e *Engine) Close() error { return e.api.Close() }
