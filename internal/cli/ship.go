package cli

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/errgroup"

	"github.com/dockyard-build/dockyard/internal/config"
	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/plan"
	"github.com/dockyard-build/dockyard/internal/project"
	"github.com/dockyard-build/dockyard/internal/publish"
	"github.com/dockyard-build/dockyard/internal/state"
)

// What push, save, load and build --push share.

// applyTags puts the --tag flags in place of the configuration's default
// tags (tags:, else registry.tag; tiers and images' own tags stay), and
// finds the git commit when a tag holds {git}.
func applyTags(cfg *config.Config, root string, flags []string) error {
	for _, t := range flags {
		if err := config.CheckTag(t); err != nil {
			return usageErrorf("--tag: %v", err)
		}
	}
	cfg.Override = flags
	if cfg.UsesTag(config.TagGit) {
		commit, err := gitCommit(root)
		if err != nil {
			return usageErrorf("a tag holds %s, but the commit of %s is unknown: %v", config.TagGit, root, err)
		}
		cfg.Commit = commit
	}
	return nil
}

// gitCommit is the short sha of HEAD, with "-dirty" when tracked files
// have changes (as git describe --dirty says; untracked files do not
// count, so dockyard's own .dockyard/ never makes a tree dirty).
func gitCommit(root string) (string, error) {
	out, err := exec.Command("git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "", errors.New("not a git work tree with a commit")
	}
	sha := strings.TrimSpace(string(out))
	status, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output()
	if err != nil {
		return "", fmt.Errorf("git status: %w", err)
	}
	if len(strings.TrimSpace(string(status))) > 0 {
		sha += "-dirty"
	}
	return sha, nil
}

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

// pushRefs are the references of an image that name a registry
// repository: all but one-word names (the bare name, the local
// reference), which are local names only.
func pushRefs(im *plan.Image) []string {
	var refs []string
	for _, r := range im.Refs {
		if strings.Contains(r, "/") {
			refs = append(refs, r)
		}
	}
	return refs
}

// pushed leaves out the images whose tier says push: false, unless -i
// names them, and checks that the others have a registry reference.
func pushed(named []string) func(*project.Project, []*plan.Image) ([]*plan.Image, error) {
	return func(p *project.Project, images []*plan.Image) ([]*plan.Image, error) {
		var out []*plan.Image
		for _, im := range images {
			if slices.Contains(named, im.Name) || p.Config.Pushed(im.Name, p.Image(im.Name).Tags) {
				out = append(out, im)
			}
		}
		return out, checkPushRefs(out)
	}
}

// checkPushRefs makes sure every image has a registry reference, or will
// have one once its input key is known: an image without is a
// configuration error.
func checkPushRefs(images []*plan.Image) error {
	for _, im := range images {
		if len(pushRefs(im)) == 0 && !im.NeedsKey() {
			return noRegistryRef(im.Name)
		}
	}
	return nil
}

// pushJobs are the images to push with their references; an image without
// a registry reference is a configuration error.
func pushJobs(images []*plan.Image) ([]publish.Job, error) {
	var jobs []publish.Job
	for _, im := range images {
		refs := pushRefs(im)
		if len(refs) == 0 {
			return nil, noRegistryRef(im.Name)
		}
		jobs = append(jobs, publish.Job{Image: im.Name, Refs: refs})
	}
	return jobs, nil
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

// batchExporter reads many images at once: the docker engine saves them
// in one go, each shared layer once.
type batchExporter interface {
	Images(ctx context.Context, refs []string) ([]v1.Image, error)
}

// imageReaders is how many images are read at once from an engine that
// reads them one by one.
const imageReaders = 4

// readImages reads images by reference from the engine, as a batch when
// the engine can.
func readImages(ctx context.Context, src engine.Exporter, refs []string) ([]v1.Image, error) {
	if b, ok := src.(batchExporter); ok {
		return b.Images(ctx, refs)
	}
	imgs := make([]v1.Image, len(refs))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(imageReaders)
	for i, ref := range refs {
		g.Go(func() (err error) {
			imgs[i], err = src.Image(ctx, ref)
			return err
		})
	}
	return imgs, g.Wait()
}

// imageSet serves images already read, by name, to a Pusher.
type imageSet map[string]v1.Image

func (s imageSet) Image(_ context.Context, ref string) (v1.Image, error) { return s[ref], nil }

// exporter returns the engine's means of reading images.
func exporter(eng engine.Engine) (engine.Exporter, error) {
	if x, ok := eng.(engine.Exporter); ok {
		return x, nil
	}
	return nil, fmt.Errorf("the %s engine cannot read images out of its store", eng.Name())
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
	sh.src, err = exporter(sh.engine)
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

// readIndex reads each platform's image of a multi-platform image from
// the engine and joins them into one index.
func readIndex(ctx context.Context, src engine.Exporter, ids []string) (v1.ImageIndex, error) {
	imgs, err := readImages(ctx, src, ids)
	if err != nil {
		return nil, err
	}
	return publish.Index(imgs)
}
