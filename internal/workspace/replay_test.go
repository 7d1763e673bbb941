package workspace

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestJournalRecordsAreChecked replays a journal of one valid record of
// each kind and of records dockyard never writes: nothing acts on those,
// and each is named with its line and why; a last line torn by a crash is
// left out silently.
func TestJournalRecordsAreChecked(t *testing.T) {
	lines := []string{
		`{"op":"add","path":"src/app/dependency","dir":true}`,
		`{"op":"made","path":"src/app/dependency","id":"2049:12:b1764352721.123456789:m0123456789abcdef"}`,
		`{"op":"run","token":"0123456789abcdef0123456789abcdef"}`,
		`{"op":"add","path":".dockyard/tmp/ctx-1","dir":true}`,
		`{"op":"add","path":".git","dir":true}`,
		`{"op":"add","path":"src/.GIT/x"}`,
		`{"op":"add","path":".dockyard/state.db"}`,
		`{"op":"add","path":"src/../../etc"}`,
		`{"op":"add","path":"src//app"}`,
		`{"op":"add","path":"src/app/generated","dir":true,"step":true}`,
		`{"op":"made","path":"src/web","id":"1:2"}`,
		`{"op":"made","path":"src/app/dependency","id":"1:2; rm -rf /"}`,
		`{"op":"drop","path":"src/app/dependency","dir":true}`,
		`{"op":"run","token":"../../x"}`,
		`{"op":"run","path":"src","token":"0123456789abcdef0123456789abcdef"}`,
		`{"op":"add","path":"src/x","token":"0123456789abcdef0123456789abcdef"}`,
		`{"op":"remove","path":"src"}`,
		`not json`,
		`{"op":"add","path":"src/torn","di`,
	}
	rp := parseJournal([]byte(strings.Join(lines, "\n")))
	want := []string{
		`.dockyard/journal line 5: .git is git's`,
		`.dockyard/journal line 6: src/.GIT/x is git's`,
		`.dockyard/journal line 7: .dockyard/state.db is dockyard's own state`,
		`.dockyard/journal line 8: path "src/../../etc" is not inside the repository`,
		`.dockyard/journal line 9: path "src//app" is not in its plain form`,
		`.dockyard/journal line 10: not a journal record`,
		`.dockyard/journal line 11: src/web was made without being journaled first`,
		`.dockyard/journal line 12: identity "1:2; rm -rf /" is not device:inode[:birth time][:marker]`,
		`.dockyard/journal line 13: only add records say a path is a folder`,
		`.dockyard/journal line 14: token "../../x" is not 32 hexadecimal digits`,
		`.dockyard/journal line 15: a run record names no path`,
		`.dockyard/journal line 16: only run records carry a token`,
		`.dockyard/journal line 17: unknown op "remove"`,
		`.dockyard/journal line 18: not a journal record`,
	}
	if diff := cmp.Diff(want, rp.ignored); diff != "" {
		t.Errorf("ignored (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{".dockyard/tmp/ctx-1", "src/app/dependency"}, sortedDeepestFirst(rp.entries)); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if e := rp.entries["src/app/dependency"]; e == nil || !e.made || !e.dir {
		t.Errorf("src/app/dependency = %+v, want a folder dockyard made", e)
	}
	if diff := cmp.Diff([]string{"0123456789abcdef0123456789abcdef"}, rp.tokens); diff != "" {
		t.Errorf("tokens (-want +got):\n%s", diff)
	}
}

func TestSameID(t *testing.T) {
	for _, tc := range []struct {
		recorded, now string
		want          bool
	}{
		{"1:2", "1:2:b5.000000001:m00", true},
		{"1:2:b5.000000001:m00", "1:2:b5.000000001:m00", true},
		{"1:2:b5.000000001:m00", "1:2:b5.000000001", false},
		{"1:2:b5.000000001:m00", "1:2:b5.000000001:m01", false},
		{"1:2:b5.000000001", "1:2:b5.000000002", false},
		{"1:2", "1:3", false},
		{"1:2", "2:2", false},
		{"1:2", "", true},
		{"", "1:2", true},
	} {
		if got := sameID(tc.recorded, tc.now); got != tc.want {
			t.Errorf("sameID(%q, %q) = %v, want %v", tc.recorded, tc.now, got, tc.want)
		}
	}
}
