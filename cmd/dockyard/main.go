// Command dockyard builds, tags and ships every container image of a
// multi-component repository.
package main

import (
	"context"
	"os"
	"runtime/debug"

	"github.com/dockyard-build/dockyard/internal/cli"
	"github.com/dockyard-build/dockyard/internal/engine/embedded"
)

func main() {
	// The embedded engine runs its builds and buildah's helpers as this
	// same binary, started under another name: be that, and stop there.
	if embedded.Init() {
		return
	}
	// A run is short and its heap small: collecting garbage a quarter as
	// often saves a fifth of a no-op's CPU for a few MB. GOGC still rules.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	// Ctrl-C cancels the run, which cleans up; a second one exits at once.
	ctx, stop := cli.NotifyContext(context.Background(), os.Stderr, os.Exit)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
