package cli

import (
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/dockyard-build/dockyard/internal/testenv"
)

// arm64Busybox is where scripts/buildkitd.sh puts an arm64 busybox.
const arm64Busybox = "/var/cache/dockyard/busybox-arm64/busybox"

// setupBuildKit prepares a build_buildkit_* or build_pool_* script:
// buildkitd must answer; STORE is the script's own image layout (dockyard
// --root $STORE), XDG_CACHE_HOME its own cache.
func setupBuildKit(env *testscript.Env) error {
	if err := testenv.BuildKitAnswers(testenv.BuildKitAddress()); err != nil {
		if testenv.Required() {
			return err
		}
		env.T().Skip(err.Error())
	}
	// The daemon the other tests use: a script's environment does not
	// inherit BUILDKIT_HOST.
	if host := os.Getenv("BUILDKIT_HOST"); host != "" {
		env.Setenv("BUILDKIT_HOST", host)
	}
	env.Setenv("STORE", filepath.Join(env.WorkDir, "store"))
	// The user's cache, where runs on one pool share their loads: the
	// script's own.
	env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
	return nil
}

// setArm64Busybox sets BUSYBOX_ARM64 to an arm64 busybox when
// scripts/buildkitd.sh fetched one.
func setArm64Busybox(env *testscript.Env) {
	if _, err := os.Stat(arm64Busybox); err == nil {
		env.Setenv("BUSYBOX_ARM64", arm64Busybox)
	}
}

// setFreePorts sets each name to a loopback TCP port free at this moment:
// scripts that start daemons on TCP use them instead of fixed ports, so
// that two test runs on one machine do not meet.
func setFreePorts(env *testscript.Env, names ...string) error {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for _, name := range names {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		ls = append(ls, l)
		env.Setenv(name, strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
	}
	return nil
}
