package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/publish"
	"github.com/dockyard-build/dockyard/internal/publish/archive"
	"github.com/spf13/cobra"
)

type saveOptions struct {
	*globals
	selectOptions
	output    string
	format    string
	withBases bool
	engine    string
}

func newSaveCmd(g *globals, runF func(context.Context, *saveOptions) error) *cobra.Command {
	opts := &saveOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "save -o FILE",
		Short: "Write many images into one archive, for sites no registry reaches",
		Long: `save writes the project's images, with all their references, into one file
(every image without -i or -s; with them, only the images they name, not
their parents) that docker load -i FILE accepts (--format docker, the default) or that holds
an OCI image layout (--format oci). A layer several images share is stored
once. A FILE ending in .gz is gzip-compressed. --with-bases adds the external
images the project's images start from, so the other site needs nothing else.
Each saved reference is printed.`,
		Example: `  dockyard save -o images.tar.gz
  dockyard save -o fate.tar -i python -i fateboard --with-bases
  dockyard save -o images.oci.tar --format oci`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.output == "" {
				return usageErrorf("-o FILE is required")
			}
			if !slices.Contains(archive.Formats, opts.format) {
				return usageErrorf("unknown format %q (want one of %s)", opts.format, strings.Join(archive.Formats, ", "))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSave(cmd.Context(), opts)
		},
	}
	opts.selectOptions.register(cmd, false)
	f := cmd.Flags()
	f.StringVarP(&opts.output, "output", "o", "", "archive to write; gzip when it ends in .gz")
	f.StringVar(&opts.format, "format", archive.Docker, "archive format: "+strings.Join(archive.Formats, " or "))
	_ = cmd.RegisterFlagCompletionFunc("format", completeFixed(archive.Formats...))
	f.BoolVar(&opts.withBases, "with-bases", false, "also save the external base images")
	f.StringVar(&opts.engine, "engine", "", "engine whose images to save: auto, docker, embedded or buildkit (default: engine from dockyard.yaml, else auto)")
	return cmd
}

func runSave(ctx context.Context, opts *saveOptions) error {
	start := time.Now()
	sh, err := opts.shipSource(ctx, opts.selectOptions, opts.engine, nil)
	if err != nil {
		return err
	}
	defer sh.engine.Close()
	images, eng, src := sh.images, sh.engine, sh.src
	list, read := saveList(images, sh.ids, opts.withBases)
	entries, err := readEntries(ctx, src, list, read)
	if err != nil {
		return shipError(ctx, err)
	}
	// A multi-platform image is saved as one index of its platforms.
	for i, im := range images {
		if ids := sh.platforms[im.Name]; len(ids) > 0 {
			if entries[i].Index, err = publish.ReadIndex(ctx, src, ids); err != nil {
				return shipError(ctx, fmt.Errorf("reading the platforms of %s: %w", im.Name, err))
			}
		}
	}
	if err := archive.Write(opts.output, opts.format, entries); err != nil {
		return err
	}
	refs := 0
	for _, e := range entries {
		for _, r := range e.Refs {
			fmt.Fprintln(opts.stdout, r)
			refs++
		}
	}
	fmt.Fprintf(opts.stderr, "saved %d %s (%d %s) from the %s engine to %s in %.1fs\n",
		len(entries), plural(len(entries), "image"), refs, plural(refs, "reference"), eng.Name(), opts.output, time.Since(start).Seconds())
	return nil
}

// saveList is what to read for the archive, with the reference to read
// each by: each image by its recorded ID with all its references, then,
// when asked, each external base once, by its name.
func saveList(images []*plan.Image, ids map[string]string, withBases bool) ([]archive.Entry, []string) {
	var list []archive.Entry
	var read, bases []string
	for _, im := range images {
		list, read = append(list, archive.Entry{Refs: im.Refs}), append(read, ids[im.Name])
		for _, b := range im.Bases {
			if withBases && !slices.Contains(bases, b) {
				bases = append(bases, b)
			}
		}
	}
	for _, b := range bases {
		list, read = append(list, archive.Entry{Refs: []string{b}}), append(read, b)
	}
	return list, read
}

// readEntries reads each entry's image from the engine, by the reference
// read gives for it.
func readEntries(ctx context.Context, src engine.Exporter, list []archive.Entry, read []string) ([]archive.Entry, error) {
	imgs, err := publish.ReadImages(ctx, src, read)
	if err != nil {
		return nil, fmt.Errorf("reading the images to save: %w", err)
	}
	for i := range list {
		list[i].Image = imgs[i]
	}
	return list, nil
}
