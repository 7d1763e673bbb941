// Command dockyard builds, tags and ships every container image of a
// multi-component repository.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/dockyard-build/dockyard/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
