package workspace

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzJournal feeds the journal reader anything, as a crash or a hand may
// leave it: it must never panic, every path it would act on is plainly
// inside the repository, neither dockyard's own state nor git's, and every
// token it would end processes by is one dockyard makes. The seeds are a
// journal of each kind of record and testdata/fuzz/FuzzJournal.
func FuzzJournal(f *testing.F) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for _, r := range []record{
		{Op: opAdd, Path: "src/app/dependency", Dir: true},
		{Op: opMade, Path: "src/app/dependency", ID: "2049:1234"},
		{Op: opAdd, Path: "src/app/generated", Dir: true},
		{Op: opMade, Path: "src/app/generated", ID: "2049:1235:b1764352721.123456789:m0123456789abcdef"},
		{Op: opRun, Token: "0123456789abcdef0123456789abcdef"},
		{Op: opAdd, Path: "src/web/config"},
		{Op: opDrop, Path: "src/web/config"},
	} {
		enc.Encode(r)
	}
	f.Add([]byte(b.String()))
	f.Add([]byte(b.String() + `{"op":"add","pa`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rp := parseJournal(data)
		for p := range rp.entries {
			if err := journalPath(p); err != nil || gitPath(p) || under(p, stateDir) && !under(p, tmpDir) {
				t.Fatalf("the journal would act on %q (%v)", p, err)
			}
		}
		for _, tok := range rp.tokens {
			if !tokenPattern.MatchString(tok) {
				t.Fatalf("the journal would end processes carrying %q", tok)
			}
		}
	})
}
