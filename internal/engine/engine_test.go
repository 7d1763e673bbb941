package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestStops(t *testing.T) {
	var s Stops
	s.Note(Request{Image: "a"}, context.Canceled)
	s.Note(Request{Image: "b"}, nil)
	if err := s.Err(); err != nil {
		t.Fatalf("Err() = %v with only confirmed stops", err)
	}
	unconfirmed := fmt.Errorf("%w; %w: container 1234 still runs", context.Canceled, ErrStopUnconfirmed)
	s.Note(Request{Image: "slow"}, fmt.Errorf("building slow: %w", unconfirmed))
	want := "the engine did not confirm that the build stopped within 15s: the build of slow may still run (its log says more)"
	if err := s.Err(); !errors.Is(err, ErrStopUnconfirmed) || err.Error() != want {
		t.Errorf("Err() = %v, want %q", err, want)
	}
	s.Note(Request{Image: "slower"}, unconfirmed)
	want = "the engine did not confirm that the build stopped within 15s: the builds of slow, slower may still run (their logs say more)"
	if err := s.Err(); err == nil || err.Error() != want {
		t.Errorf("Err() = %v, want %q", err, want)
	}
}

func TestStopsFailed(t *testing.T) {
	var s Stops
	var logs strings.Builder
	unconfirmed := fmt.Errorf("stopping: %w", ErrStopUnconfirmed)
	if err := s.Failed(Request{Image: "a"}, &logs, errors.New("boom")); err.Error() != "building a: boom" {
		t.Errorf("err = %v", err)
	}
	if err := s.Failed(Request{Image: "slow"}, &logs, unconfirmed); !errors.Is(err, ErrStopUnconfirmed) {
		t.Errorf("err = %v, want ErrStopUnconfirmed wrapped", err)
	}
	if got := logs.String(); got != "dockyard: "+unconfirmed.Error()+"\n" {
		t.Errorf("logs = %q", got)
	}
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "slow") || strings.Contains(err.Error(), "a,") {
		t.Errorf("Err = %v, want only slow named", err)
	}
}
