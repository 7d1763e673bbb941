package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/state"
)

// lsFormats are the output formats of ls.
var lsFormats = []string{"text", "json"}

type lsOptions struct {
	*globals
	selectOptions
	engine string
	format string
	all    bool
}

func newLsCmd(g *globals, runF func(context.Context, *lsOptions) error) *cobra.Command {
	opts := &lsOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List the project's images in the engine's store",
		Long: `ls lists the images this checkout of the repository built that the engine
holds: each with its ID (the digest of its config), size, creation time,
input key and references. An image is this checkout's when its
dev.dockyard.repository label carries the checkout's identity (kept in
.dockyard/state.db) or when it is the image the last build recorded; an image
of the same name from another checkout or repository is not. --all lists
every image dockyard built, from any checkout. An image that lost all its
references to a newer build is not listed unless it is the last build.`,
		Example: `  dockyard ls
  dockyard ls --engine embedded --format json
  dockyard ls -s rest-server
  dockyard ls --root /srv/dockyard --all`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.formatAlias(cmd)
			if !slices.Contains(lsFormats, opts.format) {
				return usageErrorf("unknown format %q (want one of %s)", opts.format, strings.Join(lsFormats, ", "))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLs(cmd.Context(), opts)
		},
	}
	opts.selectOptions.register(cmd, false)
	f := cmd.Flags()
	f.StringVar(&opts.engine, "engine", "", "engine whose store to list: auto, docker, embedded or buildkit (default: engine from dockyard.yaml, else auto)")
	registerFormat(cmd, &opts.format, lsFormats)
	f.BoolVar(&opts.all, "all", false, "list every image dockyard built, not only this repository's")
	return cmd
}

// lsSchemaVersion is the version of ls's JSON form.
const lsSchemaVersion = 1

// listing is ls's JSON form.
type listing struct {
	SchemaVersion int      `json:"schemaVersion"`
	Engine        string   `json:"engine"`
	Images        []listed `json:"images"`
}

// listed is one line of ls.
type listed struct {
	Image    string    `json:"image"`
	ID       string    `json:"id"`
	Size     int64     `json:"size"`
	Created  time.Time `json:"created"`
	InputKey string    `json:"inputKey,omitempty"`
	Refs     []string  `json:"refs"`
}

func runLs(ctx context.Context, opts *lsOptions) error {
	p, pl, err := opts.makePlan(ctx, opts.selectOptions)
	if err != nil {
		return err
	}
	selected := map[string]bool{}
	for _, im := range pl.Named() {
		selected[im.Name] = true
	}
	name := cmp.Or(opts.engine, p.Config.Engine)
	eng, why, err := opts.openEngine(ctx, name)
	if err != nil {
		return err
	}
	defer eng.Close()
	lister, ok := eng.(engine.Lister)
	if !ok {
		return fmt.Errorf("the %s engine cannot list its images", eng.Name())
	}
	infos, err := lister.List(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.stderr, "engine: %s (%s)\n", eng.Name(), why)
	ours, err := checkoutImages(p, eng.Name())
	if err != nil {
		return err
	}
	out := []listed{}
	for _, in := range infos {
		im := in.Labels[engine.LabelImage]
		mine := ours.ids[in.ID] || ours.checkout != "" && in.Labels[engine.LabelRepository] == ours.checkout
		if !opts.all && (!mine || !selected[im]) || len(in.Refs) == 0 && !ours.ids[in.ID] {
			continue
		}
		refs := slices.Clone(in.Refs)
		slices.Sort(refs)
		out = append(out, listed{Image: im, ID: in.ID, Size: in.Size, Created: in.Created.UTC(), InputKey: in.Labels[engine.LabelInputKey], Refs: refs})
	}
	slices.SortFunc(out, func(a, b listed) int {
		return cmp.Or(cmp.Compare(a.Image, b.Image), b.Created.Compare(a.Created), cmp.Compare(a.ID, b.ID))
	})
	if opts.format == "json" {
		enc := json.NewEncoder(opts.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(listing{SchemaVersion: lsSchemaVersion, Engine: eng.Name(), Images: out})
	}
	tw := tabwriter.NewWriter(opts.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "IMAGE\tID\tSIZE\tCREATED\tINPUT KEY\tREFS")
	for _, l := range out {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.Image, shortID(l.ID), humanSize(l.Size),
			l.Created.Format("2006-01-02 15:04:05"), cmp.Or(shortID(l.InputKey), "-"), cmp.Or(strings.Join(l.Refs, ","), "-"))
	}
	return tw.Flush()
}

// shortID is an ID or key cut to 12 hex digits, as Docker shows IDs.
func shortID(id string) string {
	_, hex, _ := strings.Cut(id, ":")
	if hex == "" {
		hex = id
	}
	return hex[:min(12, len(hex))]
}

// humanSize writes a size in bytes with a decimal unit, as docker images
// does.
func humanSize(n int64) string { return units.HumanSizeWithPrecision(float64(n), 3) }

// ownImages are the images of one checkout: its identity, and the IDs its
// builds recorded.
type ownImages struct {
	checkout string
	ids      map[string]bool
}

// checkoutImages reads what the state says of the checkout's images on an
// engine.
func checkoutImages(p *project.Project, engineName string) (ownImages, error) {
	st := state.Open(p.Root, engineName)
	own := ownImages{ids: map[string]bool{}}
	var err error
	if own.checkout, err = st.Checkout(false); err != nil {
		return own, err
	}
	built, err := st.Built()
	for _, r := range built {
		own.ids[r.ID] = true
	}
	return own, err
}
