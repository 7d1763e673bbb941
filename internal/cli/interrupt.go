package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// interrupted is why a run's context ends on SIGINT, SIGTERM or SIGHUP; it is
// context.Canceled to errors.Is, as signal.NotifyContext's cause is.
type interrupted struct{ sig os.Signal }

func (e interrupted) Error() string        { return e.sig.String() + " signal received" }
func (e interrupted) Is(target error) bool { return target == context.Canceled }

// NotifyContext returns a context that the first SIGINT or SIGTERM, or
// SIGHUP (the terminal closed, an ssh session dropped), cancels: the run
// stops and cleans up. A second one, while it cleans up,
// ends the process at once through exit(130), with one line saying that
// `dockyard clean` finishes the cleanup. stop releases the signals.
func NotifyContext(parent context.Context, stderr io.Writer, exit func(code int)) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			cancel(interrupted{s})
		case <-done:
			return
		}
		select {
		case <-sigs:
			fmt.Fprintln(stderr, "dockyard: interrupted again: stopping now, without the cleanup; `dockyard clean` finishes it")
			exit(exitInterrupted)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}
