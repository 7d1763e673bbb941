package run

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/progress"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/report"
	"github.com/dockyard-build/dockyard/internal/workspace"
)

// TestHooksRunAtMostCPUsPlusOne runs the hooks of more components than
// the machine has CPUs with a -j far larger: no more than the CPUs plus
// one hooks may run at once, whatever -j says.
func TestHooksRunAtMostCPUsPlusOne(t *testing.T) {
	root := t.TempDir()
	running := t.TempDir()
	seen := filepath.Join(t.TempDir(), "seen")
	n := runtime.NumCPU() + 4
	hook := fmt.Sprintf("mkdir %[1]s/$$\nls %[1]s | wc -l >> %[2]s\nsleep 0.3\nrmdir %[1]s/$$\n", running, seen)
	for i := range n {
		c := fmt.Sprintf("c%d", i)
		write(t, root, "src/"+c+"/build/"+c+".dockerfile", "FROM scratch\n")
		write(t, root, "src/"+c+"/build/build-pre.sh", hook)
	}
	p, err := project.Load(root, config.Default(), "")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := plan.New(p, plan.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := workspace.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	prog, _ := progress.New(progress.Options{Mode: progress.Quiet})
	defer prog.Close()
	r := &Runner{Project: p, Plan: pl, Engine: &fakeEngine{images: map[string][]string{}}, Workspace: ws, Progress: prog,
		Report: report.New(root, "fake", time.Now(), Images(pl)), Options: Options{Jobs: 4 * n}}
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(seen)
	if err != nil {
		t.Fatal(err)
	}
	most, runs := 0, strings.Fields(string(data))
	for _, f := range runs {
		v, _ := strconv.Atoi(f)
		most = max(most, v)
	}
	if len(runs) != n {
		t.Fatalf("%d hooks ran, want %d", len(runs), n)
	}
	if limit := runtime.NumCPU() + 1; most > limit {
		t.Errorf("%d hooks ran at once with -j %d, want at most %d", most, 4*n, limit)
	}
}
