// Package cli wires dockyard's commands: one file per command, each with an
// options struct, a newXCmd constructor and a runX function.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dockyard-build/dockyard/internal/progress"
	"github.com/dockyard-build/dockyard/internal/publish"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailure     = 1   // a build or push failed
	exitUsage       = 2   // bad flags, configuration or project
	exitBug         = 3   // dockyard panicked: a bug
	exitInterrupted = 130 // SIGINT or SIGTERM
)

// globals are the options every command shares.
type globals struct {
	dir    string // -C: where to look for the repository; then its root
	dirSet bool   // -C was given
	file   string // -f: the project file
	paiDir string // -c: a pai configuration directory
	root   string // --root, else dockyard.yaml's root: the embedded engine's store
	stdout io.Writer
	stderr io.Writer
	// resolved is set once resolveRoot settled dir; configPath and
	// configName are the project file when it is not root/dockyard.yaml.
	resolved, rootFound    bool
	configPath, configName string
	// jsonProgress is set when the command's progress is json: its
	// notes and its error are JSON events too.
	jsonProgress bool
	// cleanups run when dockyard panics (see atCrash).
	cleanups []func() error
}

// Main runs dockyard with args and returns the process's exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g := &globals{stdout: stdout, stderr: stderr}
	return g.execute(ctx, newRootCmd(g), args)
}

// execute runs the command line on root. A panic ends in crashed: the
// cleanup runs, one line says it is a bug, and the exit code is exitBug.
func (g *globals) execute(ctx context.Context, root *cobra.Command, args []string) (code int) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	defer func() {
		if v := recover(); v != nil {
			code = g.crashed(cancel, v, debug.Stack())
		}
	}()
	root.SetArgs(args)
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if p, ok := bugError(err); ok {
		g.reportBug(err.Error(), p.Stack)
		return exitBug
	}
	code = exitCode(ctx, err)
	g.printError(err, code)
	return code
}

// printError prints the error that ends the command: each line prefixed
// "dockyard: " and its hint, or one JSON event when the command's progress
// is json, so that such a run writes nothing but JSON.
func (g *globals) printError(err error, code int) {
	var hint string
	if h, ok := errors.AsType[*hintError](err); ok {
		hint = h.hint
	}
	if g.jsonProgress {
		_ = progress.WriteError(g.stderr, time.Now(), err.Error(), hint, code)
		return
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(g.stderr, "dockyard: %s\n", line)
	}
	if hint != "" {
		fmt.Fprintf(g.stderr, "hint: %s\n", hint)
	}
}

// notef prints a note of dockyard's own on stderr before any progress
// view exists: text, or a JSON message in the json mode.
func (g *globals) notef(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	if g.jsonProgress {
		_ = progress.WriteMessage(g.stderr, time.Now(), line)
		return
	}
	fmt.Fprintln(g.stderr, line)
}

func newRootCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dockyard",
		Short: "Build, tag and ship every container image of a repository",
		Long: `dockyard builds, tags and ships every container image of a multi-component
repository. It finds the images (pai components, image folders, images listed in
dockyard.yaml), orders them by their Dockerfiles and declared dependencies, and
builds them in parallel.

Exit codes: 0 ok, 1 a build or push failed, 2 usage or configuration error,
3 a bug in dockyard (a panic), 130 interrupted.`,
		Example: `  dockyard plan                      # what would be built, parents first
  dockyard plan -C examples/platform -o dot | dot -Tsvg > graph.svg
  dockyard plan -c ./cluster-config -s rest-server`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if f := cmd.Flags().Lookup("progress"); f != nil && f.Value.String() == progress.JSON {
				g.jsonProgress = true
			}
			g.dirSet = cmd.Flags().Changed("dir")
			fi, err := os.Stat(g.dir)
			switch {
			case err != nil:
				return usageErrorf("-C %s: no such folder", g.dir)
			case !fi.IsDir():
				return usageErrorf("-C %s is not a folder", g.dir)
			}
			return nil
		},
	}
	cmd.PersistentFlags().StringVarP(&g.dir, "dir", "C", ".", "look for the repository here (default: the current folder and its parents, as git does)")
	cmd.PersistentFlags().StringVarP(&g.file, "file", "f", "", "project file (default: dockyard.yaml or dockyard.yml at the repository root); its folder is the root unless -C says")
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
	var dc *publish.DockerConfigError
	switch {
	case ctx.Err() != nil:
		return exitInterrupted
	case errors.As(err, &u), errors.As(err, &dc), strings.HasPrefix(err.Error(), "unknown command"),
		strings.HasPrefix(err.Error(), "unknown flag"), strings.Contains(err.Error(), "accepts "):
		return exitUsage
	}
	return exitFailure
}
