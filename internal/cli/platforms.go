package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/platform"
)

// binfmtDir is where the kernel lists the handlers of foreign binaries.
const binfmtDir = "/proc/sys/fs/binfmt_misc"

// qemuPlatforms maps QEMU's binfmt handlers to the platforms they run.
var qemuPlatforms = map[string][]string{
	"qemu-aarch64": {"linux/arm64"},
	"qemu-arm":     {"linux/arm/v7", "linux/arm/v6"},
	"qemu-x86_64":  {"linux/amd64"},
	"qemu-i386":    {"linux/386"},
	"qemu-ppc64le": {"linux/ppc64le"},
	"qemu-s390x":   {"linux/s390x"},
	"qemu-riscv64": {"linux/riscv64"},
}

// platformLister is an engine that says which platforms it builds for.
type platformLister interface {
	Platforms(ctx context.Context) ([]string, error)
}

// checkPlatforms fails, before anything is built, when an image needs a
// platform the engine cannot build: buildkitd says which it builds; the
// docker and embedded engines build this machine's own, and a foreign
// one when QEMU's handler for it is registered with binfmt_misc.
func checkPlatforms(ctx context.Context, eng engine.Engine, pl *plan.Plan) error {
	var can []string
	var how string
	if l, ok := eng.(platformLister); ok {
		list, err := l.Platforms(ctx)
		if err != nil {
			return err
		}
		can, how = list, "its workers build "+strings.Join(list, ", ")
	} else {
		can = hostPlatforms()
		how = "this machine runs " + strings.Join(can, ", ") + " (a foreign platform needs QEMU's binfmt_misc handler, e.g. apt-get install qemu-user-static; scripts/buildkitd.sh registers arm64)"
	}
	var errs []error
	for _, im := range pl.Images {
		for _, p := range im.Platforms {
			if !slices.Contains(can, platform.Normalize(p)) {
				errs = append(errs, fmt.Errorf("image %s: the %s engine cannot build %s: %s", im.Name, eng.Name(), p, how))
			}
		}
	}
	if len(errs) > 0 {
		return &usageError{errors.Join(errs...)}
	}
	return nil
}

// hostPlatforms are the platforms this machine runs programs of: its own
// and those of the QEMU handlers registered with binfmt_misc.
func hostPlatforms() []string {
	out := []string{platform.Normalize(runtime.GOOS + "/" + runtime.GOARCH)}
	entries, _ := filepath.Glob(filepath.Join(binfmtDir, "qemu-*"))
	for _, e := range entries {
		data, err := os.ReadFile(e)
		if err != nil || !strings.HasPrefix(string(data), "enabled") {
			continue
		}
		for _, p := range qemuPlatforms[filepath.Base(e)] {
			out = append(out, platform.Normalize(p))
		}
	}
	return out
}
