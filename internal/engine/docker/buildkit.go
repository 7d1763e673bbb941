package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/moby/buildkit/identity"
	"github.com/moby/buildkit/session"
	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
)

// uploadRequest tells the engine's BuildKit that the build context comes
// in a second request, an upload whose build ID is "upload-request:" and
// the build's ID.
const uploadRequest = "upload-request"

// runBuildKit runs a BuildKit build: it sends the context in an upload
// request of its own, and the build in a session.
func (e *Engine) runBuildKit(ctx context.Context, body io.Reader, opts client.ImageBuildOptions, logs io.Writer) (string, error) {
	stop, err := e.startBuildKit(ctx, body, &opts)
	if err != nil {
		return "", err
	}
	id, err := e.run(ctx, nil, opts, logs)
	if uerr := stop(); err != nil && uerr != nil && ctx.Err() == nil {
		err = fmt.Errorf("%w (%w)", err, uerr)
	}
	return id, err
}

// cancelBuild asks the engine to stop a BuildKit build whose client left,
// as the docker CLI does: engine 20.10 stops it anyway once the request is
// closed, but BuildKit's cancel is what the API promises.
func (e *Engine) cancelBuild(ctx context.Context, buildID string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, _ = e.api.BuildCancel(ctx, buildID, client.BuildCancelOptions{})
}

// startBuildKit prepares a BuildKit build of opts: it opens the session the
// build runs in and uploads the context tar in a request of its own, as
// the docker CLI does. The session carries no files. stop ends both once
// the build is over and returns the upload's error, if it failed.
func (e *Engine) startBuildKit(ctx context.Context, body io.Reader, opts *client.ImageBuildOptions) (stop func() error, err error) {
	s, err := session.NewSession(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("opening a BuildKit session: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	dial := func(ctx context.Context, proto string, meta map[string][]string) (net.Conn, error) {
		return e.api.DialHijack(ctx, "/session", proto, meta)
	}
	sessionDone := make(chan struct{})
	go func() {
		defer close(sessionDone)
		_ = s.Run(ctx, dial)
	}()

	opts.SessionID = s.ID()
	opts.BuildID = identity.NewID()
	opts.RemoteContext = uploadRequest
	uploaded := make(chan error, 1)
	go func() {
		uploaded <- e.upload(ctx, body, uploadRequest+":"+opts.BuildID)
	}()
	return func() error {
		cancel()
		_ = s.Close()
		<-sessionDone
		if err := <-uploaded; err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		return nil
	}, nil
}

// upload sends the context tar for the build whose upload ID is id.
func (e *Engine) upload(ctx context.Context, body io.Reader, id string) error {
	resp, err := e.api.ImageBuild(ctx, body, client.ImageBuildOptions{
		Version: build.BuilderBuildKit,
		BuildID: id,
	})
	if err != nil {
		return fmt.Errorf("uploading the build context: %w", err)
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}
