package engine

import "context"

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
