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
	if len(err.Output) != engine.TailLines || err.Output[0] != "xxx" || err.Output[engine.TailLines-1] != strings.Repeat("x", 12) {
		t.Errorf("output = %q, want the last %d lines", err.Output, engine.TailLines)
	}
}

// TestOutputFailureOneLine takes the error buildah gives for a COPY of a
// symlink that leads out of the context: a line of kilobytes that prints
// copier's whole request. The message is one short line saying what is
// wrong.
func TestOutputFailureOneLine(t *testing.T) {
	request := `copier.request{Request:"GET", Root:"/", preservedRoot:"/r/src/app", Globs:[]string{"/shadow"}, ` +
		`GetOptions:copier.GetOptions{ChownDirs:(*idtools.IDPair)(0x16fc78061cc0), Rename:map[string]string(nil), Note:"a } in a string"}, ` +
		strings.Repeat(`PutOptions:copier.PutOptions{UIDMap:[]idtools.IDMap(nil)}, `, 40) + `RemoveOptions:copier.RemoveOptions{All:false}}`
	msg := `building at STEP "COPY shadow /x": reading "/r/src/app/shadow": error during bulk transfer for ` + request +
		`: copier: get: lstat "/shadow"("/outside/shadow"): lstat /outside/shadow: no such file or directory`
	err := (&output{logs: &strings.Builder{}}).failure(msg)
	want := `reading "/r/src/app/shadow": /shadow leads through a symlink to /outside/shadow, which is not in the build context`
	if err.Step != "COPY shadow /x" || err.Message != want {
		t.Errorf("failure = %q: %q, want %q", err.Step, err.Message, want)
	}
	for msg, want := range map[string]string{
		`reading "/r/x": error during bulk transfer for copier.request{Globs:[]string{"/x"}}: copier: get: lstat "/x"("/x"): lstat /x: no such file or directory`: `reading "/r/x": /x is not in the build context`,
		`reading: for pkg.T{unclosed`: `reading`,
		"two\nlines\n":                "two; lines",
	} {
		if got := plainMessage(msg); got != want {
			t.Errorf("plainMessage(%q) = %q, want %q", msg, got, want)
		}
	}
}
