// Package cli wires dockyard's commands: one file per command, each with an
// options struct, a newXCmd constructor and a runX function.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/progress"
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
	root   string // --root, else dockyard.yaml's root: the embedded engine's store, the buildkit engine's layout
	stdout io.Writer
	stderr io.Writer
	// resolved is set once resolveRoot settled dir, rootErr to what it
	// found wrong; configPath and configName are the project file when it
	// is not root/dockyard.yaml.
	resolved, rootFound    bool
	rootErr                error
	configPath, configName string
	// jsonProgress is set when the command's progress is json: its
	// notes and its error are JSON events too.
	jsonProgress bool
	// debug (-v) tells how dockyard decided: the root, the project file,
	// the Docker endpoint, the whole error.
	debug bool
	// start is where the search for the root started (-C, else here).
	start string
	// cleanups run when dockyard panics (see atCrash).
	cleanups []func() error

	// buildkit is dockyard.yaml's buildkit.address, and workers its pool.
	buildkit string
	workers  []config.Worker
	// registryStore is the project's configuration when buildkit.store is
	// registry: the buildkit engine keeps its images in its registry.
	registryStore *config.Config
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
	err = cobraError(root, err)
	if p, ok := bugError(err); ok {
		g.reportBug(err.Error(), p.Stack)
		return exitBug
	}
	code = exitCode(ctx, err)
	g.printError(err, code)
	return code
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
  dockyard plan -C examples/platform --format dot | dot -Tsvg > graph.svg
  dockyard plan -c ./cluster-config -s rest-server`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if f := cmd.Flags().Lookup("progress"); f != nil && progress.IsJSON(f.Value.String()) {
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
	cmd.PersistentFlags().StringVarP(&g.dir, "dir", "C", ".", "where to look for the repository: this folder, then its parents, as git does")
	cmd.PersistentFlags().StringVarP(&g.file, "file", "f", "", "project file (default: dockyard.yaml or dockyard.yml at the repository root); its folder is the root unless -C says")
	cmd.PersistentFlags().StringVarP(&g.paiDir, "config-dir", "c", "", "pai's cluster configuration folder (services-configuration.yaml): the registry, and the values of image folders' templates (default: config_dir of dockyard.yaml)")
	cmd.PersistentFlags().BoolVarP(&g.debug, "debug", "v", false, "say how dockyard decided (root, project file, Docker endpoint) and print errors whole")
	cmd.PersistentFlags().StringVar(&g.root, "root", "", "the embedded engine's image store, and the buildkit engine's layout in buildkit/ under it (default: root from dockyard.yaml, else /var/lib/dockyard for root, $XDG_DATA_HOME/dockyard for others)")
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErrorf("%v (see '%s --help')", err, c.CommandPath())
	})
	cmd.SetGlobalNormalizationFunc(normalizeFlag)
	cmd.Version = versionLine()
	cmd.SetVersionTemplate("{{.Version}}\n")
	cmd.SetHelpCommand(newHelpCmd(cmd))
	cmd.AddCommand(newPlanCmd(g, nil), newBuildCmd(g, nil), newCleanCmd(g), newVersionCmd(g))
	cmd.AddCommand(newPushCmd(g, nil), newSaveCmd(g, nil), newLoadCmd(g, nil))
	cmd.AddCommand(newLsCmd(g, nil))
	g.registerCompletions(cmd)
	return cmd
}

// newHelpCmd is help [COMMAND]: a command that does not exist is an error
// (exit 2) with a "did you mean", as for the command itself.
func newHelpCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Long:  "help shows the help of a command: what it does, its flags and examples.",
		RunE: func(_ *cobra.Command, args []string) error {
			cmd, rest, err := root.Find(args)
			switch {
			case err != nil:
				return err
			case len(rest) > 0:
				return fmt.Errorf("unknown command %q for %q", rest[0], cmd.CommandPath())
			}
			return cmd.Help()
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []cobra.Completion
			for _, c := range root.Commands() {
				if c.IsAvailableCommand() {
					names = append(names, cobra.CompletionWithDesc(c.Name(), c.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	}
}
