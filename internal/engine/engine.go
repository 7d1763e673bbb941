// Package engine defines what dockyard needs from a container build engine:
// one request in, one built image out. Implementations live in sub-packages.
package engine

import (
	"context"
	"errors"
	"io"
)

// Request is one image build.
type Request struct {
	// Image is the project image's name, used in messages.
	Image string
	// ContextDir is the absolute path of the build context.
	ContextDir string
	// Dockerfile is the absolute path of the Dockerfile.
	Dockerfile string
	// Target is the stage to build; empty means the last one.
	Target string
	// Args are the build arguments.
	Args map[string]string
	// Tags are the references the built image gets, the bare name first.
	Tags []string
	// Labels are added to the image's config.
	Labels map[string]string
	// Platform is an os/arch[/variant] string; empty means the engine's own.
	Platform string
	// NoCache disables the engine's layer cache.
	NoCache bool
}

// Result describes a built image.
type Result struct {
	// ID is the engine's image ID (sha256:...).
	ID string
	// Size is the image's size in bytes, as the engine reports it.
	Size int64
}

// Engine builds images.
type Engine interface {
	// Name is the engine's name as users select it: "docker", "embedded", ...
	Name() string
	// Ping checks that the engine answers; its error says how to fix that.
	Ping(ctx context.Context) error
	// Build builds one image, writing the engine's output to logs as lines.
	// Canceling ctx stops the build.
	Build(ctx context.Context, req Request, logs io.Writer) (Result, error)
	// Close releases the engine's connections.
	Close() error
}

// ErrUnavailable is wrapped by errors about an engine that cannot be reached.
var ErrUnavailable = errors.New("engine unavailable")
