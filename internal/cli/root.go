// Package cli wires dockyard's commands: one file per command, each with an
// options struct, a newXCmd constructor and a runX function.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailure     = 1   // a build or push failed
	exitUsage       = 2   // bad flags, configuration or project
	exitInterrupted = 130 // SIGINT or SIGTERM
)

// globals are the options every command shares.
type globals struct {
	dir    string // -C: the repository root
	paiDir string // -c: a pai configuration directory
	root   string // --root, else dockyard.yaml's root: the embedded engine's store
	stdout io.Writer
	stderr io.Writer

	// buildkit is dockyard.yaml's buildkit.address.
	buildkit string
}

// Main runs dockyard with args and returns the process's exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g := &globals{stdout: stdout, stderr: stderr}
	root := newRootCmd(g)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitCode(ctx, err)
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(stderr, "dockyard: %s\n", line)
	}
	var h *hintError
	if errors.As(err, &h) {
		fmt.Fprintf(stderr, "hint: %s\n", h.hint)
	}
	return code
}

func newRootCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dockyard",
		Short: "Build, tag and ship every container image of a repository",
		Long: `dockyard builds, tags and ships every container image of a multi-component
repository. It finds the images (pai components, image folders, images listed in
dockyard.yaml), orders them by their Dockerfiles and declared dependencies, and
builds them in parallel.`,
		Example: `  dockyard plan                      # what would be built, parents first
  dockyard plan -C examples/platform -o dot | dot -Tsvg > graph.svg
  dockyard plan -c ./cluster-config -s rest-server`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.PersistentFlags().StringVarP(&g.dir, "dir", "C", ".", "repository root")
	cmd.PersistentFlags().StringVarP(&g.paiDir, "config-dir", "c", "", "pai configuration directory holding services-configuration.yaml")
	cmd.PersistentFlags().StringVar(&g.root, "root", "", "the embedded engine's image store (default: root from dockyard.yaml, else /var/lib/dockyard for root, $XDG_DATA_HOME/dockyard for others)")
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErrorf("%v (see 'dockyard %s --help')", err, c.Name())
	})
	cmd.AddCommand(newPlanCmd(g, nil), newBuildCmd(g, nil), newCleanCmd(g), newVersionCmd(g))
	cmd.AddCommand(newPushCmd(g, nil), newSaveCmd(g, nil), newLoadCmd(g, nil))
	cmd.AddCommand(newLsCmd(g, nil))
	return cmd
}

// usageError marks a problem with the user's input: flags, configuration,
// project layout. It exits with exitUsage.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// hintError carries advice printed after the error.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

func exitCode(ctx context.Context, err error) int {
	var u *usageError
	switch {
	case ctx.Err() != nil:
		return exitInterrupted
	case errors.As(err, &u), strings.HasPrefix(err.Error(), "unknown command"),
		strings.HasPrefix(err.Error(), "unknown flag"), strings.Contains(err.Error(), "accepts "):
		return exitUsage
	}
	return exitFailure
}
