//go:build unix

package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSecondInterrupt sends the test process SIGINT twice: the first
// cancels the context, the second exits with 130 at once.
func TestSecondInterrupt(t *testing.T) {
	var stderr bytes.Buffer
	exited := make(chan int, 1)
	ctx, stop := NotifyContext(context.Background(), &stderr, func(code int) { exited <- code })
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the first SIGINT did not cancel the context")
	}
	if err := context.Cause(ctx); !strings.Contains(err.Error(), "interrupt") || ctx.Err() != context.Canceled {
		t.Errorf("cause %v, err %v", err, ctx.Err())
	}
	if len(exited) != 0 {
		t.Fatal("the first SIGINT exited")
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-exited:
		if code != exitInterrupted {
			t.Errorf("exit code %d, want %d", code, exitInterrupted)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second SIGINT did not exit")
	}
	if !strings.Contains(stderr.String(), "dockyard clean") {
		t.Errorf("stderr = %q", stderr.String())
	}
}

// TestHangupCleansUp: SIGHUP, a closed terminal, cancels the context as
// Ctrl-C does, so that the run cleans up (pins, folders) instead of dying.
func TestHangupCleansUp(t *testing.T) {
	var stderr bytes.Buffer
	ctx, stop := NotifyContext(context.Background(), &stderr, func(int) { t.Error("exited on the first signal") })
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGHUP did not cancel the context")
	}
	if err := context.Cause(ctx); !strings.Contains(err.Error(), "hangup") {
		t.Errorf("cause %v", err)
	}
}
