package cli

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/embedded"
	"github.com/dockyard-build/dockyard/internal/testenv"
)

// setupEmbedded prepares a script named embedded_*: it needs root and
// busybox, builds into $STORE (under $WORK), and finds the repository's
// examples in $EXAMPLES.
func setupEmbedded(env *testscript.Env) error {
	if os.Geteuid() != 0 {
		if testenv.Required() {
			return errors.New("the embedded engine's scripts need root")
		}
		env.T().Skip("the embedded engine's scripts need root")
	}
	if _, err := os.Stat("/usr/bin/busybox"); err != nil {
		return errors.New("busybox-static is not installed (run scripts/setup.sh)")
	}
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		return err
	}
	store := filepath.Join(env.WorkDir, "store")
	env.Setenv("BUSYBOX", "/usr/bin/busybox")
	env.Setenv("STORE", store)
	env.Setenv("EXAMPLES", examples)
	env.Defer(func() { unmountUnder(store) })
	return nil
}

// unmountUnder detaches whatever is still mounted under dir, so that the
// script's directory can be removed.
func unmountUnder(dir string) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return
	}
	var points []string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], dir+"/") {
			points = append(points, f[4])
		}
	}
	slices.Reverse(points)
	for _, p := range points {
		exec.Command("umount", "-l", p).Run()
	}
}

// cmdImage reads an image of the embedded store in $STORE: "image REF"
// prints its config as JSON, "image REF PATH..." the files at PATHs;
// "! image REF" checks that the store has no such image, "! image REF
// PATH..." that the image has none of the files.
func cmdImage(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: [!] image REF [PATH...]")
	}
	e, err := embedded.New(context.Background(), embedded.Options{Root: ts.Getenv("STORE")})
	ts.Check(err)
	defer e.Close()
	img, err := e.Image(context.Background(), args[0])
	if neg && len(args) == 1 {
		if !errors.Is(err, engine.ErrNotFound) {
			ts.Fatalf("reading %s: got %v, want engine.ErrNotFound", args[0], err)
		}
		return
	}
	ts.Check(err)
	if len(args) == 1 {
		cfg, err := img.ConfigFile()
		ts.Check(err)
		ts.Check(json.NewEncoder(ts.Stdout()).Encode(cfg.Config))
		return
	}
	files := map[string][]byte{}
	tr := tar.NewReader(mutate.Extract(img))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		ts.Check(err)
		p := "/" + strings.TrimPrefix(filepath.Clean("/"+h.Name), "/")
		if slices.Contains(args[1:], p) {
			files[p], err = io.ReadAll(tr)
			ts.Check(err)
		}
	}
	for _, p := range args[1:] {
		b, ok := files[p]
		switch {
		case neg && ok:
			ts.Fatalf("%s has %s", args[0], p)
		case !neg && !ok:
			ts.Fatalf("%s has no file %s", args[0], p)
		}
		ts.Stdout().Write(b)
	}
}
