package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/embedded"
	"github.com/dockyard-build/dockyard/internal/state"
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
			ctx, stop := NotifyContext(context.Background(), os.Stderr, os.Exit)
			code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
			stop()
			os.Exit(code)
		},
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: each builds a
// small repository and checks dockyard's stdout, stderr and exit code.
// Scripts named build_* need a Docker engine, build_buildkit_* buildkitd
// too, those named embedded_* root for the embedded engine: they skip
// without, and fail in CI.
func TestScripts(t *testing.T) {
	t.Cleanup(removeHosts)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") == "1",
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"registry": cmdRegistry, "image": cmdImage, "exits": cmdExits, "host": cmdHost},
		Setup: func(env *testscript.Env) error {
			// The engine the other packages' tests use: a script's
			// environment does not inherit DOCKER_HOST.
			if host := os.Getenv("DOCKER_HOST"); host != "" {
				env.Setenv("DOCKER_HOST", host)
			}
			if strings.HasPrefix(filepath.Base(env.WorkDir), "script-embedded_") {
				return setupEmbedded(env)
			}
			if strings.HasPrefix(filepath.Base(env.WorkDir), "script-build_buildkit_") || strings.HasPrefix(filepath.Base(env.WorkDir), "script-build_pool_") {
				if err := setupBuildKit(env); err != nil {
					return err
				}
				if err := setFreePorts(env, "PORT_A", "PORT_B", "PORT_C"); err != nil {
					return err
				}
			}
			if strings.HasPrefix(filepath.Base(env.WorkDir), "script-build_") {
				if err := testenv.DockerAnswers(); err != nil {
					if testenv.Required() {
						return err
					}
					env.T().Skip(err.Error())
				}
				env.Setenv("BUSYBOX", "/usr/bin/busybox")
				setArm64Busybox(env)
				env.Defer(func() { removeImages(env.WorkDir) })
			}
			return nil
		},
	})
}

// removeImages removes the images a script built: those carrying the
// checkout identity of a repository under dir (each .dockyard/state.db),
// never an image of another script or test that happens to share a name.
func removeImages(dir string) {
	var checkouts []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "state.db" && filepath.Base(filepath.Dir(path)) == ".dockyard" {
			root := filepath.Dir(filepath.Dir(path))
			if id, err := state.Open(root, "docker").Checkout(false); err == nil && id != "" {
				checkouts = append(checkouts, id)
			}
		}
		return nil
	})
	for _, c := range checkouts {
		ids, _ := exec.Command("docker", "images", "-q", "--filter", "label="+engine.LabelRepository+"="+c).Output()
		for _, id := range strings.Fields(string(ids)) {
			exec.Command("docker", "image", "rm", "-f", id).Run()
		}
	}
}
