package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/progress"
	"github.com/dockyard-build/dockyard/internal/project"
)

// Shell completion of the values flags take: image, component and variant
// names from the project, engines, progress modes and formats.

// completeFixed completes a flag from a fixed list.
func completeFixed(values ...string) cobra.CompletionFunc {
	return cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)
}

// completeProject completes a flag from what the project has: names
// lists them. Completing never writes: the project is read, not prepared.
func (g *globals) completeProject(names func(*project.Project) []string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		p, err := g.readProject()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return names(p), cobra.ShellCompDirectiveNoFileComp
	}
}

// readProject reads the project as completion needs it: no checks of
// .dockyard, no notes.
func (g *globals) readProject() (*project.Project, error) {
	cfg, err := g.loadConfig()
	if err != nil {
		return nil, err
	}
	return project.Load(g.dir, cfg, cfg.Variant)
}

// completeSet completes --set: IMAGE. first (or *.), then IMAGE.FIELD.
func (g *globals) completeSet(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	image, _, ok := strings.Cut(toComplete, ".")
	if !ok {
		p, err := g.readProject()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		out := []string{config.AllImages + "."}
		for _, n := range p.ImageNames() {
			out = append(out, n+".")
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
	var out []string
	for _, f := range config.SetFields {
		f = strings.TrimSuffix(f, "NAME")
		if !strings.HasSuffix(f, ".") {
			f += "="
		}
		out = append(out, image+"."+f)
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// registerSelectCompletion completes the flags of selectOptions.
func (g *globals) registerSelectCompletion(cmd *cobra.Command) {
	_ = cmd.RegisterFlagCompletionFunc("image", g.completeProject((*project.Project).ImageNames))
	_ = cmd.RegisterFlagCompletionFunc("component", g.completeProject((*project.Project).ComponentNames))
	_ = cmd.RegisterFlagCompletionFunc("variant", g.completeProject((*project.Project).Variants))
	_ = cmd.RegisterFlagCompletionFunc("set", g.completeSet)
	_ = cmd.RegisterFlagCompletionFunc("tag", cobra.NoFileCompletions)
	_ = cmd.RegisterFlagCompletionFunc("build-arg", cobra.NoFileCompletions)
}

// registerCompletions completes the flags of every command of root.
func (g *globals) registerCompletions(root *cobra.Command) {
	for _, cmd := range root.Commands() {
		f := cmd.Flags()
		if f.Lookup("image") != nil && f.Lookup("component") != nil {
			g.registerSelectCompletion(cmd)
		}
		if f.Lookup("engine") != nil {
			_ = cmd.RegisterFlagCompletionFunc("engine", completeFixed(config.Engines...))
		}
		if f.Lookup("progress") != nil {
			_ = cmd.RegisterFlagCompletionFunc("progress", completeFixed(progress.Modes...))
		}
		if f.Lookup("to") != nil {
			_ = cmd.RegisterFlagCompletionFunc("to", completeFixed(config.Engines...))
		}
	}
}
