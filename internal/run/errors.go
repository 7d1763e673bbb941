package run

import (
	"errors"
	"fmt"

	"github.com/dockyard-build/dockyard/internal/incremental"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/sched"
)

// ConflictError is a path the user owns that a step would have to create.
type ConflictError struct{ Err error }

func (e *ConflictError) Error() string { return e.Err.Error() }
func (e *ConflictError) Unwrap() error { return e.Err }

// MissingContextError is an image whose context, or a copy-list source,
// still does not exist when its turn comes; What names it ("context x"),
// At is where the image or the copy-list entry is declared.
type MissingContextError struct {
	Image, What string
	At          project.Pos
}

func (e *MissingContextError) Error() string {
	return fmt.Sprintf("%s: image %s: %s", e.At, e.Image, incremental.NotYet(e.What))
}

// joinFailures is every failed task's error, named by its task.
func joinFailures(outcomes []sched.Outcome) error {
	var errs []error
	for _, o := range outcomes {
		if o.Status == sched.Failed {
			errs = append(errs, fmt.Errorf("%s: %w", o.ID, o.Err))
		}
	}
	return errors.Join(errs...)
}
