package buildkit

import "github.com/moby/buildkit/client"

// cacheOpts are a build's registry cache: BuildKit's layer cache kept in
// a registry reference, imported before and exported after the build.
type cacheOpts struct {
	ref string
}

// apply adds the cache's import and export (mode=max: every stage's
// layers) to a solve; a nil cache adds nothing.
func (c *cacheOpts) apply(opt *client.SolveOpt) {
	if c == nil {
		return
	}
	opt.CacheImports = append(opt.CacheImports, client.CacheOptionsEntry{Type: "registry", Attrs: map[string]string{"ref": c.ref}})
	opt.CacheExports = append(opt.CacheExports, client.CacheOptionsEntry{Type: "registry", Attrs: map[string]string{"ref": c.ref, "mode": "max"}})
}
