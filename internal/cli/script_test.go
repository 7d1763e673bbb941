package cli

import (
	"context"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dockyard-build/dockyard/internal/engine/embedded"
	"github.com/dockyard-build/dockyard/internal/testenv"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	if embedded.Init() {
		return // a build worker of the embedded engine, or a buildah helper
	}
	// Under -race, each of the embedded engine's helper processes would
	// sleep a second as it exits.
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	testscript.Main(m, map[string]func(){
		"dockyard": func() {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
			stop()
			os.Exit(code)
		},
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: each builds a
// small repository and checks dockyard's stdout, stderr and exit code.
// Scripts named build_* need a Docker engine, those named embedded_* root
// for the embedded engine: they skip without, and fail in CI.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") == "1",
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"registry": cmdRegistry, "image": cmdImage},
		Setup: func(env *testscript.Env) error {
			// The engine the other packages' tests use: a script's
			// environment does not inherit DOCKER_HOST.
			if host := os.Getenv("DOCKER_HOST"); host != "" {
				env.Setenv("DOCKER_HOST", host)
			}
			if strings.HasPrefix(filepath.Base(env.WorkDir), "script-embedded_") {
				return setupEmbedded(env)
			}
			if strings.HasPrefix(filepath.Base(env.WorkDir), "script-build_") {
				if err := testenv.DockerAnswers(); err != nil {
					if testenv.Required() {
						return err
					}
					env.T().Skip(err.Error())
				}
				env.Setenv("BUSYBOX", "/usr/bin/busybox")
				env.Defer(func() { removeImages(env.WorkDir) })
			}
			return nil
		},
	})
}

// removeImages removes the images a script built, found by the label
// dockyard puts on them and the names of the script's Dockerfiles.
func removeImages(dir string) {
	var names []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".dockerfile")) {
			name := strings.TrimSuffix(filepath.Base(path), ".dockerfile")
			names = append(names, strings.Split(name, ".")[0])
		}
		return nil
	})
	for _, n := range names {
		ids, _ := exec.Command("docker", "images", "-q", "--filter", "label=dev.dockyard.image="+n).Output()
		for _, id := range strings.Fields(string(ids)) {
			exec.Command("docker", "image", "rm", "-f", id).Run()
		}
	}
}
