package embedded

import (
	"strings"
	"testing"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/google/go-cmp/cmp"
)

func TestOutputFailure(t *testing.T) {
	var logs strings.Builder
	o := &output{logs: &logs}
	for _, chunk := range []string{
		"STEP 1/3: FROM base\nSTEP 2/3: RUN make\n", "compil", "ing\r\nerror: no rule\n",
		"subprocess exited with status 2\n[2/2] STEP 1/2: RUN false\nit broke", // no newline at the end
	} {
		o.Write([]byte(chunk))
	}
	err := o.failure(`building at STEP "RUN false": while running runtime: exit status 1`)
	want := &engine.StepError{Message: "while running runtime: exit status 1", Step: "RUN false", Output: []string{"it broke"}}
	if diff := cmp.Diff(want, err); diff != "" {
		t.Errorf("failure (-want +got):\n%s", diff)
	}
	if got := err.Error(); got != "RUN false: while running runtime: exit status 1\n  it broke" {
		t.Errorf("Error() = %q", got)
	}
	wantLogs := "STEP 1/3: FROM base\nSTEP 2/3: RUN make\ncompiling\nerror: no rule\n" +
		"subprocess exited with status 2\n[2/2] STEP 1/2: RUN false\nit broke\n"
	if logs.String() != wantLogs {
		t.Errorf("logs = %q, want %q", logs.String(), wantLogs)
	}
}

func TestOutputTail(t *testing.T) {
	o := &output{logs: &strings.Builder{}}
	o.Write([]byte("STEP 1/1: RUN seq 1 12\n"))
	for i := range 12 {
		o.Write([]byte(strings.Repeat("x", i+1) + "\n"))
	}
	err := o.failure("a message that is not about a step")
	if err.Step != "" || err.Message != "a message that is not about a step" {
		t.Errorf("failure = %+v", err)
	}
	if len(err.Output) != tailLines || err.Output[0] != "xxx" || err.Output[tailLines-1] != strings.Repeat("x", 12) {
		t.Errorf("output = %q, want the last %d lines", err.Output, tailLines)
	}
}
