package cli

import (
	"errors"
	"os"
	"strings"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/progress"
	"github.com/dockyard-build/dockyard/internal/sched"
)

// failureTail is how many of a failed task's last log lines are shown when
// the engine does not say which lines its failed step wrote.
const failureTail = 10

// showFailures shows each failed task once, in the progress view: the
// step, its last lines, the error and the log's path.
func showFailures(failures []sched.Outcome, prog *progress.Progress) {
	for _, f := range failures {
		prog.Failure(failureOf(f, prog))
	}
}

// failureOf is what to show of a failed task: the engine's step and its
// output when the engine says, else the error and the log's last lines.
func failureOf(f sched.Outcome, prog *progress.Progress) progress.Failure {
	out := progress.Failure{Task: f.ID}
	if _, err := os.Stat(prog.LogPath(f.ID)); err == nil {
		out.Log = prog.LogPath(f.ID)
	}
	if step, ok := errors.AsType[*engine.StepError](f.Err); ok {
		out.Step, out.Error, out.Lines = step.Step, firstLine(step.Message), step.Output
		return out
	}
	out.Error = firstLine(f.Err.Error())
	out.Lines = prog.Tail(f.ID, failureTail)
	return out
}

// failedError is a build whose failures were shown in full: its message
// only names them.
type failedError struct {
	tasks []string
	err   error
}

func (e *failedError) Error() string {
	return "build failed: " + strings.Join(e.tasks, ", ")
}

func (e *failedError) Unwrap() error { return e.err }

// buildFailed is the run's error once its failures were shown: one line.
func buildFailed(failures []sched.Outcome, runErr error) error {
	var tasks []string
	for _, f := range failures {
		tasks = append(tasks, f.ID)
	}
	return &failedError{tasks: tasks, err: runErr}
}
