package engine

import (
	"context"
	"errors"
)

// The labels dockyard gives every image it builds.
const (
	// LabelImage is the project image's name.
	LabelImage = "dev.dockyard.image"
	// LabelDockerfile is the Dockerfile's path in the repository.
	LabelDockerfile = "dev.dockyard.dockerfile"
	// LabelComponent is the component of a components-layout image.
	LabelComponent = "dev.dockyard.component"
	// LabelInputKey is the image's input key.
	LabelInputKey = "dev.dockyard.input-key"
	// LabelRepository identifies the checkout that built the image.
	LabelRepository = "dev.dockyard.repository"
)

// Pinner gives an image of the engine's store a reference that the
// engine's builds resolve to exactly that image and nothing else, for a
// child's FROM or COPY --from. release drops the reference once the child
// no longer needs it. An engine whose builds take an image ID in FROM need
// not implement it: the ID is used as it is.
type Pinner interface {
	Pin(ctx context.Context, id string) (ref string, release func(), err error)
}

// Pruner removes from the engine's store the images a checkout built that
// keep does not hold, and what no image uses any more.
type Pruner interface {
	Prune(ctx context.Context, checkout string, keep func(id string) bool) (Pruned, error)
}

// Pruned is what a prune removed: the images' IDs, and how many blobs of
// how many bytes.
type Pruned struct {
	Images []string
	Blobs  int
	Bytes  int64
}

// ErrBusy is why a prune did nothing: another dockyard has the store open.
var ErrBusy = errors.New("another dockyard uses the image store")
