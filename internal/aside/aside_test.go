package aside

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFix moves a file aside twice in the same second without losing
// either, and takes a file another run moved first as done.
func TestFix(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "state.db")
	cause := errors.New("state.db is damaged")
	var seen []string
	for i := range 2 {
		if err := os.WriteFile(path, []byte{byte(i)}, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := Fix(root, "state.db", cause)
		if err != nil || m == nil || m.From != "state.db" || !strings.HasPrefix(m.To, "state.db.damaged-") {
			t.Fatalf("Fix = %+v, %v", m, err)
		}
		if data, _ := os.ReadFile(filepath.Join(root, m.To)); len(data) != 1 || data[0] != byte(i) {
			t.Errorf("%s holds %v, want [%d]", m.To, data, i)
		}
		seen = append(seen, m.To)
	}
	if seen[0] == seen[1] {
		t.Errorf("both moved to %s", seen[0])
	}
	if m, err := Fix(root, "state.db", cause); m != nil || err != nil {
		t.Errorf("Fix of a file already moved = %+v, %v; want nothing to do", m, err)
	}
	if got := (&Moved{To: "x.damaged", Cause: cause}).String(); got != "state.db is damaged; moved it aside to x.damaged and started afresh" {
		t.Errorf("String = %q", got)
	}
}
