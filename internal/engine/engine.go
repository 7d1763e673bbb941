// Package engine defines what dockyard needs from a container build engine:
// one request in, one built image out. Implementations live in sub-packages.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
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
	// Bases are the external images the Dockerfile builds on (FROM,
	// COPY --from), which the engine pulls when it lacks them.
	Bases []string
	// Pull pulls the bases even when the engine holds them (build
	// --pull), so that a tag that moved builds on its newest image.
	Pull bool
	// Auth gives the credentials of the registries the engine pulls from;
	// nil pulls anonymously. It is never sent to a build worker as it is.
	Auth authn.Keychain `json:"-"`
}

// Result describes a built image.
type Result struct {
	// ID is the engine's image ID (sha256:...).
	ID string
	// Size is the image's size in bytes, as the engine reports it.
	Size int64
	// Attempts are where an engine with several workers ran the build,
	// one per try; Build returns them with its error too.
	Attempts []Attempt
}

// Attempt is one try of a build on one worker.
type Attempt struct {
	// Worker is the worker's address and Platform the build's.
	Worker, Platform string
	// Error is why the try failed; "" for the one that built the image.
	Error string
}

// Engine builds images.
type Engine interface {
	// Name is the engine's name as users select it: "docker", "embedded", ...
	Name() string
	// Ping checks that the engine answers; its error says how to fix that.
	Ping(ctx context.Context) error
	// Build builds one image, writing the engine's output to logs as lines.
	// Canceling ctx stops the build: Build returns once the engine
	// confirmed that none of the build's processes runs any more, or,
	// after StopTimeout, with an error wrapping ErrStopUnconfirmed as well
	// as the context's cause.
	Build(ctx context.Context, req Request, logs io.Writer) (Result, error)
	// Close releases the engine's connections.
	Close() error
}

// StatusWriter is a build's logs writer that also takes BuildKit's own
// status messages (dockyard build --progress rawjson): an engine that has
// them passes each on, as the JSON of BuildKit's control API
// StatusResponse, besides writing its lines.
type StatusWriter interface {
	WriteStatus(status []byte)
}

// StepError is a build step's failure with the last lines the step wrote;
// every engine returns it for a failed instruction.
type StepError struct {
	// Message is the engine's error.
	Message string
	// Step names the failing step, when the engine says which.
	Step string
	// Output holds the step's last output lines.
	Output []string
}

func (e *StepError) Error() string {
	var b strings.Builder
	if e.Step != "" {
		b.WriteString(e.Step + ": ")
	}
	b.WriteString(e.Message)
	for _, l := range e.Output {
		b.WriteString("\n  " + l)
	}
	return b.String()
}

// ErrUnavailable is wrapped by errors about an engine that cannot be reached.
var ErrUnavailable = errors.New("engine unavailable")

// StopTimeout bounds how long Build, once its context is canceled, waits for
// the engine to confirm that the build's processes ended.
const StopTimeout = 15 * time.Second

// ErrStopUnconfirmed is wrapped by the error of a canceled build whose
// engine did not confirm within StopTimeout that the build's processes
// ended: some may still run.
var ErrStopUnconfirmed = errors.New("the engine did not confirm that the build stopped")

// ErrNotFound is wrapped by an Exporter's error about an image its store
// does not hold.
var ErrNotFound = errors.New("image not found")

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
// with the dev.dockyard.image label) and that carry every label given as
// "key=value" (a checkout's images: LabelRepository=ID).
type Lister interface {
	List(ctx context.Context, labels ...string) ([]ImageInfo, error)
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

// Inspector finds an image in an engine's store. Incremental builds need
// it: to check that the image a stored input key names still exists, and to
// resolve external bases to digests. Every engine should implement it (the
// docker engine does, in docker/inspect.go; the embedded engine should
// too): with an engine that does not, dockyard builds every image every
// time. ImageInfo.ID must be the image's config digest (sha256:...), the
// same across engines and machines for the same image.
type Inspector interface {
	// Inspect looks ref up: a name, a name:tag, a name@digest or an image
	// ID. It reports false, without an error, when the store has no such
	// image.
	Inspect(ctx context.Context, ref string) (ImageInfo, bool, error)
}

// Tagger gives an image of an engine's store more references, moving each
// from whatever image had it before. Incremental builds use it when an
// up-to-date image's references changed (a new registry tag, an image that
// went back to an earlier state). Engines implementing Inspector should
// implement it too.
type Tagger interface {
	Tag(ctx context.Context, id string, refs []string) error
}

// StopReporter is implemented by engines that remember the canceled builds
// whose end they could not confirm, so that a command can say so once its
// builds returned (a scheduler reports a canceled task by the cancellation's
// cause, not by the task's error).
type StopReporter interface {
	// UnconfirmedStops returns one line naming those builds, or nil.
	UnconfirmedStops() error
}

// UnconfirmedStops returns what e's UnconfirmedStops does, or nil for an
// engine that does not implement StopReporter.
func UnconfirmedStops(e Engine) error {
	if r, ok := e.(StopReporter); ok {
		return r.UnconfirmedStops()
	}
	return nil
}

// Stops records the canceled builds whose end an engine could not confirm;
// the zero value is ready. Engines keep one to implement StopReporter.
type Stops struct {
	mu     sync.Mutex
	images []string
}

// Note records req's build if err wraps ErrStopUnconfirmed.
func (s *Stops) Note(req Request, err error) {
	if !errors.Is(err, ErrStopUnconfirmed) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.images = append(s.images, req.Image)
}

// Err returns an error naming the builds recorded, nil when there is none.
func (s *Stops) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch len(s.images) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%w within %s: the build of %s may still run (its log says more)", ErrStopUnconfirmed, StopTimeout, s.images[0])
	}
	return fmt.Errorf("%w within %s: the builds of %s may still run (their logs say more)", ErrStopUnconfirmed, StopTimeout, strings.Join(s.images, ", "))
}
