// Package engine defines what dockyard needs from a container build engine:
// one request in, one built image out. Implementations live in sub-packages.
package engine

import (
	"context"
	"errors"
	"io"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
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

// Engines may offer more than builds; callers find out with a type assertion.

// ImageInfo describes an image in an engine's store.
type ImageInfo struct {
	ID      string
	Refs    []string
	Size    int64
	Created time.Time
	Labels  map[string]string
}

// Lister lists the images in an engine's store that dockyard built (those
// with the dev.dockyard.image label).
type Lister interface {
	List(ctx context.Context) ([]ImageInfo, error)
}

// Exporter reads an image of the engine's store as an OCI image, for push
// and save.
type Exporter interface {
	Image(ctx context.Context, ref string) (v1.Image, error)
}

// Loader writes an image into the engine's store under ref.
type Loader interface {
	Load(ctx context.Context, ref string, img v1.Image) error
}
