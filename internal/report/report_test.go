package report

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestReportRoundTrip(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	r := New("/repo", "docker", start, []Image{{Name: "a", Refs: []string{"a"}}, {Name: "b"}, {Name: "c"}})
	r.Update("a", func(im *Image) { im.Status, im.ID, im.Phases["build"] = Built, "sha256:1", 1.5 })
	r.Update("b", func(im *Image) { im.Status, im.Reason = Failed, "RUN exited 1" })
	r.Update("c", func(im *Image) { im.Status, im.Reason = Skipped, "parent b failed" })
	r.Finish(start.Add(2500*time.Millisecond), "failed", errors.New("b: RUN exited 1"))

	path := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	wantTotals := map[string]any{"images": 3.0, "built": 1.0, "upToDate": 0.0, "failed": 1.0, "skipped": 1.0, "canceled": 0.0}
	if diff := cmp.Diff(wantTotals, got["totals"]); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
	if got["seconds"] != 2.5 || got["status"] != "failed" || got["schemaVersion"] != 1.0 {
		t.Errorf("run fields: %v %v %v", got["seconds"], got["status"], got["schemaVersion"])
	}
	a := got["images"].([]any)[0].(map[string]any)
	if a["status"] != "built" || a["engine"] != "docker" || a["phases"].(map[string]any)["build"] != 1.5 {
		t.Errorf("image a: %v", a)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temp files left beside the report: %v", entries)
	}
}
