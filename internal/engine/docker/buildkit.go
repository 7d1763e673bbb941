package docker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"path/filepath"

	"github.com/moby/buildkit/identity"
	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/session/filesync"
	"github.com/moby/moby/client"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// clientSession tells the engine's BuildKit that the context and the
// Dockerfile come through the build's session, from the directories of
// buildcontext.Locals.
const clientSession = "client-session"

// runBuildKit runs a BuildKit build in a session that serves the context
// and the Dockerfile's directory, as the docker CLI does: the Dockerfile
// reaches the image only if it lies in the context and the context's
// rules (buildcontext) keep it.
func (e *Engine) runBuildKit(ctx context.Context, req engine.Request, opts client.ImageBuildOptions, logs io.Writer) (string, error) {
	rules, err := req.Rules()
	if err != nil {
		return "", err
	}
	dirs, filter, err := rules.Locals(req.ContextDir, req.Dockerfile)
	if err != nil {
		return "", err
	}
	// A key per context lets the engine sync only what changed since the
	// last build of that directory, as the docker CLI's does.
	key := sha256.Sum256([]byte(req.ContextDir))
	s, err := session.NewSession(ctx, hex.EncodeToString(key[:]))
	if err != nil {
		return "", fmt.Errorf("opening a BuildKit session: %w", err)
	}
	s.Allow(filesync.NewFSSyncProvider(filesync.StaticDirSource(dirs), filter))
	if req.Auth != nil {
		s.Allow(&authProvider{keys: req.Auth})
	}
	defer e.startSession(ctx, s)()

	opts.SessionID = s.ID()
	opts.BuildID = identity.NewID()
	opts.RemoteContext = clientSession
	opts.Dockerfile = filepath.Base(req.Dockerfile)
	return e.run(ctx, nil, opts, logs)
}

// startSession runs s over a connection to the engine until stop is called,
// which run does once the build's request ended, also when it was canceled:
// the engine may use the session until then.
func (e *Engine) startSession(ctx context.Context, s *session.Session) (stop func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	dial := func(ctx context.Context, proto string, meta map[string][]string) (net.Conn, error) {
		return e.api.DialHijack(ctx, "/session", proto, meta)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Run(ctx, dial)
	}()
	return func() {
		cancel()
		_ = s.Close()
		<-done
	}
}
