// Command dockyard builds, tags and ships every container image of a
// multi-component repository.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/dockyard-build/dockyard/internal/cli"
	"github.com/dockyard-build/dockyard/internal/engine/embedded"
)

func main() {
	// The embedded engine runs its builds and buildah's helpers as this
	// same binary, started under another name: be that, and stop there.
	if embedded.Init() {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
