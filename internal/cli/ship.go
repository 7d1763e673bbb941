package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/publish"
	"github.com/dockyard-build/dockyard/internal/state"
)

// What push, save, load and build --push share.

// findBuilt finds each image as this checkout last built or reused it on
// the engine, by the image ID the state recorded, never by a name another
// checkout or repository could have tagged; it fills in the keys of the
// images whose tags hold {key}. An image never built here, or gone from
// the engine since, is an error naming it. A multi-platform image is
// found platform by platform: its IDs are in platforms, in the image's
// order of platforms, and ids holds its first platform's.
func findBuilt(ctx context.Context, p *project.Project, eng engine.Engine, images []*plan.Image) (ids map[string]string, platforms map[string][]string, err error) {
	built, err := state.Open(p.Root, eng.Name()).Built()
	if err != nil {
		return nil, nil, err
	}
	ins, _ := eng.(engine.Inspector)
	ids, platforms = map[string]string{}, map[string][]string{}
	for _, im := range images {
		list := im.Platforms
		if len(list) == 0 {
			list = []string{""}
		}
		for _, platform := range list {
			rec, ok := built[[2]string{im.Name, platform}]
			if !ok {
				what := im.Name
				if len(list) > 1 {
					what += " (" + platform + ")"
				}
				return nil, nil, &hintError{fmt.Errorf("image %s was never built in this checkout on the %s engine", what, eng.Name()),
					"build it first: dockyard build -i " + im.Name}
			}
			if ins != nil {
				info, found, err := ins.Inspect(ctx, rec.ID)
				if err != nil {
					return nil, nil, err
				}
				if !found {
					return nil, nil, &hintError{fmt.Errorf("image %s (%s, built %s) is no longer in the %s engine: %w",
						im.Name, shortID(rec.ID), rec.Built.Format(time.DateTime), eng.Name(), engine.ErrNotFound),
						"build it again: dockyard build -i " + im.Name}
				}
				if im.NeedsKey() && im.Key == "" {
					im.Key = info.Labels[engine.LabelInputKey]
				}
			}
			if _, ok := ids[im.Name]; !ok {
				ids[im.Name] = rec.ID
			}
			if len(list) > 1 {
				platforms[im.Name] = append(platforms[im.Name], rec.ID)
			}
		}
	}
	return ids, platforms, nil
}

// completeKeyRefs adds the references whose tag holds the input key, now
// that the images' keys are known.
func completeKeyRefs(images []*plan.Image) error {
	for _, im := range images {
		if !im.NeedsKey() {
			continue
		}
		if im.Key == "" {
			return usageErrorf("image %s: a tag holds %s, and its input key is not known", im.Name, config.TagKey)
		}
		if err := im.AddKeyRefs(im.Key); err != nil {
			return &usageError{err}
		}
	}
	return nil
}

// pushed leaves out the images whose tier says push: false, unless -i
// names them, and checks that the others have a registry reference, or
// will have one once their input key is known.
func pushed(named []string) func(*project.Project, []*plan.Image) ([]*plan.Image, error) {
	return func(p *project.Project, images []*plan.Image) ([]*plan.Image, error) {
		out := plan.Pushed(p, images, named)
		if name := plan.Unpushable(out); name != "" {
			return out, noRegistryRef(name)
		}
		return out, nil
	}
}

func noRegistryRef(image string) error {
	return &hintError{usageErrorf("image %s has no registry reference to push to", image),
		"set registry (domain, namespace) or registries in dockyard.yaml, or use -c with pai's configuration"}
}

// newPusher returns a pusher with the credentials of the docker config and
// of the configured registries; onRetry is told of each failed request
// that will be tried again.
func newPusher(cfg *config.Config, onRetry func(host string, err error)) (*publish.Pusher, error) {
	return publish.New(publish.Options{Keychain: keychain(cfg), OnRetry: onRetry})
}

// retryNote says, as it happens, that a registry request failed and will
// be tried again.
func retryNote(host string, err error) string {
	return fmt.Sprintf("warning: registry %s: %s; trying again", host, firstLine(err.Error()))
}

// shipError adds advice to the errors of push and save.
func shipError(ctx context.Context, err error) error {
	var auth *publish.AuthError
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("interrupted: %w", context.Cause(ctx))
	case errors.As(err, new(*publish.ResolveError)):
		return &hintError{err, "check the registry's name (registry.domain in dockyard.yaml, or --to) and the machine's DNS"}
	case errors.Is(err, engine.ErrNotFound):
		return &hintError{err, "build it first (dockyard build -i IMAGE), or choose the engine that has it with --engine"}
	case errors.As(err, &auth) && auth.From == "":
		return &hintError{err, "log in with docker login (credentials are read from the docker config), or name the variable holding the password in password_env"}
	}
	return err
}

// shipment is what push and save read: the project, the selected images
// with their input keys and key refs settled, the engine holding them and
// the ID of each image there.
type shipment struct {
	project *project.Project
	images  []*plan.Image
	engine  engine.Engine
	src     engine.Exporter
	ids     map[string]string
	// platforms are the IDs of each multi-platform image's platforms.
	platforms map[string][]string
}

// shipSource plans the selected images, narrows them with filter when it
// is not nil, and opens the engine that holds them; the caller closes the
// shipment's engine.
func (g *globals) shipSource(ctx context.Context, sel selectOptions, engineFlag string, filter func(*project.Project, []*plan.Image) ([]*plan.Image, error)) (*shipment, error) {
	p, pl, err := g.makePlan(ctx, sel)
	if err != nil {
		return nil, err
	}
	sh := &shipment{project: p, images: pl.Named()}
	if filter != nil {
		if sh.images, err = filter(p, sh.images); err != nil {
			return nil, err
		}
	}
	name := engineFlag
	if name == "" {
		name = p.Config.Engine
	}
	var why string
	if sh.engine, why, err = g.openEngine(ctx, name); err != nil {
		return nil, err
	}
	g.notef("engine: %s (%s)", sh.engine.Name(), why)
	sh.src, err = publish.Exporter(sh.engine)
	if err == nil {
		sh.ids, sh.platforms, err = findBuilt(ctx, p, sh.engine, sh.images)
	}
	if err == nil {
		err = completeKeyRefs(sh.images)
	}
	if err != nil {
		sh.engine.Close()
		return nil, err
	}
	return sh, nil
}
