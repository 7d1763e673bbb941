// Package platform reads and writes the platforms images are built for
// (os/arch[/variant]), as containerd does, in one place: configuration
// checks them, engines parse them, the pool compares them.
package platform

import (
	"fmt"
	"runtime"
	"slices"
	"strings"

	"github.com/containerd/platforms"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Parse reads os/arch[/variant]. Both os and arch must be given: a bare
// "arm64" is not a platform here, though containerd would guess one.
func Parse(s string) (ocispec.Platform, error) {
	parts := strings.Split(s, "/")
	p, err := platforms.Parse(s)
	if len(parts) < 2 || len(parts) > 3 || slices.Contains(parts, "") || err != nil {
		return ocispec.Platform{}, fmt.Errorf("platform %q is not os/arch[/variant] (e.g. linux/arm64)", s)
	}
	return p, nil
}

// Normalize writes a platform as containerd does, so that linux/arm64 and
// linux/arm64/v8 compare equal; what does not parse is returned as it is.
func Normalize(s string) string {
	p, err := platforms.Parse(s)
	if err != nil {
		return s
	}
	return platforms.Format(platforms.Normalize(p))
}

// Default is the platform an image that names none is built for: Linux on
// dockyard's own architecture, the engines' own as a rule.
func Default() string { return "linux/" + runtime.GOARCH }
