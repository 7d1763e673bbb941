package workspace

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzJournal feeds the journal reader anything, as a crash or a hand may
// leave it: it must never panic, and every path it would act on is plainly
// inside the repository and not dockyard's own state. The seeds are a
// journal of each kind of record and testdata/fuzz/FuzzJournal.
func FuzzJournal(f *testing.F) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for _, r := range []record{
		{Op: opAdd, Path: "src/app/dependency", Dir: true},
		{Op: opMade, Path: "src/app/dependency", ID: "2049:1234"},
		{Op: opAdd, Path: "src/app/generated", Dir: true, Step: true},
		{Op: opAdd, Path: "src/web/config"},
		{Op: opDrop, Path: "src/web/config"},
	} {
		enc.Encode(r)
	}
	f.Add([]byte(b.String()))
	f.Add([]byte(b.String() + `{"op":"add","pa`))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, _ := parseJournal(data)
		for p := range entries {
			if c, err := clean(p); err != nil || c != p {
				t.Fatalf("the journal would act on %q (%v)", p, err)
			}
		}
	})
}
