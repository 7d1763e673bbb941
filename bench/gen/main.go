// Command gen writes a synthetic repository in dockyard's components layout,
// for benchmarks of plan and build:
//
//	go run ./bench/gen -images 1000 -components 500 -o DIR
//	go run ./bench/gen -images 40 -components 30 -run-work 20000 -o DIR
//	go run ./bench/gen -images 40 -components 30 -hooks 0.3 -prefix r1- -o DIR
//
// Every image descends from one root image, base, which is FROM scratch
// plus the build machine's static busybox (its build-pre.sh hook copies
// /usr/bin/busybox into the context), so the repository builds without
// pulling anything. The other images are spread over the components and
// linked the ways real repositories link them:
//
//   - fan-out: a few hub images FROM base, and many images FROM a hub;
//   - chains: images FROM the image generated just before them;
//   - fan-in: an image FROM one parent that also COPY --from another;
//   - multi-stage Dockerfiles whose named stage is not an image;
//   - FROM ${PARENT} after an ARG, resolved by ARG substitution;
//   - component.dep files naming earlier components, whose copied
//     dependency/<dep>/ folder the Dockerfiles COPY;
//   - with -hooks, components whose build-pre.sh writes a checksum file
//     into generated/, which their Dockerfiles COPY, and whose
//     build-post.sh checks it.
//
// -prefix puts a prefix before every image name (base's too), so that
// builds of two generated repositories share no image name or tag.
//
// Edges only point from an image to images generated before it, so the
// graph is acyclic. The output depends only on the flags (-seed included).
//
// gen never overwrites a file. It writes into a directory that does not
// exist or is empty; into a non-empty one only when gen made it, in which
// case it first removes the files it wrote there last time (listed in
// .bench-gen) and nothing else.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// markerName is the file listing what gen wrote, one slash path a line.
const markerName = ".bench-gen"

const markerHeader = "# written by dockyard's bench/gen; files listed below are removed when gen writes here again"

type options struct {
	images     int
	components int
	dir        string
	seed       uint64
	runWork    int
	runSleep   float64
	hooks      float64 // fraction of components (base aside) with hooks
	prefix     string  // before every image name
}

// validPrefix is what an image name may start with.
var validPrefix = regexp.MustCompile(`^[a-z0-9]([a-z0-9._-]*[a-z0-9_-])?$`)

func main() {
	var o options
	flag.IntVar(&o.images, "images", 1000, "number of images, the root image base included")
	flag.IntVar(&o.components, "components", 500, "number of components, base's included (at most -images)")
	flag.StringVar(&o.dir, "o", "", "output directory: absent, empty, or written by gen before (required)")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the generator")
	flag.IntVar(&o.runWork, "run-work", 0, "add a RUN line to every image that counts to this number in busybox sh (0: none)")
	flag.Float64Var(&o.runSleep, "run-sleep", 0, "add a RUN line to every image that sleeps this many seconds, waiting rather than computing (0: none)")
	flag.Float64Var(&o.hooks, "hooks", 0, "fraction of components, base aside, that get a build-pre.sh and a build-post.sh (0 to 1)")
	flag.StringVar(&o.prefix, "prefix", "", "prefix of every image name, base's included (lower-case letters, digits, '.', '_', '-')")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: gen [-images N] [-components M] [-seed S] [-run-work N] [-hooks F] [-prefix P] -o DIR\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 || o.dir == "" {
		flag.Usage()
		os.Exit(2)
	}
	st, err := generate(o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "gen: %s: %d images in %d components; %d FROM and %d COPY --from edges, %d component.dep files, %d components with hooks; longest path %d images\n",
		o.dir, st.images, st.components, st.fromEdges, st.copyEdges, st.depFiles, st.hooked, st.depth)
}

// stats describe a generated repository.
type stats struct {
	images, components   int
	fromEdges, copyEdges int
	depFiles, files      int
	hooked               int // components with hooks, base included
	depth                int // images on the longest FROM / COPY --from path
}

// image is one generated image and the parents chosen for it.
type image struct {
	name      string
	comp      int  // index into the components
	from      int  // index of the FROM parent; -1 for base
	copyFrom  int  // index of a COPY --from parent, or -1
	argFrom   bool // FROM ${PARENT} after ARG PARENT=...
	multiStep bool // a named build stage before the final one
}

type component struct {
	name   string
	images []int
	deps   []int // earlier components named in build/component.dep
	hooks  bool  // build-pre.sh writes generated/<name>.sums; build-post.sh checks it
}

// layout chooses components, images and edges; it writes nothing.
func layout(o options) ([]component, []image) {
	rng := rand.New(rand.NewPCG(o.seed, 0x646f636b79617264)) // "dockyard"
	n, m := o.images, o.components

	// Component 0 holds base alone; the others get at least one image
	// each, the rest at random, in consecutive runs of image indexes so
	// that a component's images all come after those of earlier components.
	comps := make([]component, m)
	comps[0] = component{name: "base", images: []int{0}}
	sizes := make([]int, m)
	for k := 1; k < m; k++ {
		sizes[k] = 1
	}
	for range n - m {
		sizes[1+rng.IntN(m-1)]++
	}
	images := make([]image, n)
	images[0] = image{name: o.prefix + "base", from: -1, copyFrom: -1}
	next := 1
	for k := 1; k < m; k++ {
		comps[k].name = fmt.Sprintf("comp-%04d", k)
		for range sizes[k] {
			images[next] = image{name: fmt.Sprintf("%simg-%04d", o.prefix, next), comp: k, copyFrom: -1}
			comps[k].images = append(comps[k].images, next)
			next++
		}
	}

	// The first images are hubs FROM base; later ones pick a hub (fan-out),
	// the image just before (chains) or any earlier image.
	hubs := max(1, (n-1)/40)
	for i := 1; i < n; i++ {
		im := &images[i]
		switch r := rng.Float64(); {
		case i <= hubs:
			im.from = 0
		case r < 0.35:
			im.from = 1 + rng.IntN(hubs)
		case r < 0.65:
			im.from = i - 1
		default:
			im.from = 1 + rng.IntN(i-1)
		}
		if i > 2 && rng.Float64() < 0.25 {
			if c := 1 + rng.IntN(i-1); c != im.from {
				im.copyFrom = c
			}
		}
		im.argFrom = rng.Float64() < 0.2
		im.multiStep = rng.Float64() < 0.1
	}

	// About one component in five depends on one or two earlier ones (base
	// excluded: everything descends from it anyway).
	for k := 2; k < m; k++ {
		if rng.Float64() >= 0.2 {
			continue
		}
		for range 1 + rng.IntN(2) {
			if d := 1 + rng.IntN(k-1); !slices.Contains(comps[k].deps, d) {
				comps[k].deps = append(comps[k].deps, d)
			}
		}
		slices.Sort(comps[k].deps)
	}

	// Hooks come from a stream of their own, so that -hooks leaves the
	// rest of the layout as it is without.
	if o.hooks > 0 {
		hr := rand.New(rand.NewPCG(o.seed, 0x686f6f6b73)) // "hooks"
		for k := 1; k < m; k++ {
			comps[k].hooks = hr.Float64() < o.hooks
		}
	}
	return comps, images
}

// generate writes the repository into o.dir.
func generate(o options) (stats, error) {
	var st stats
	switch {
	case o.images < 1:
		return st, errors.New("-images must be at least 1")
	case o.components < 1 || o.components > o.images:
		return st, fmt.Errorf("-components must be between 1 and -images (%d)", o.images)
	case o.components == 1 && o.images > 1:
		return st, errors.New("with more than one image, -components must be at least 2: base's component holds base alone")
	case o.runSleep < 0:
		return st, errors.New("-run-sleep must not be negative")
	case o.runWork < 0:
		return st, errors.New("-run-work must not be negative")
	case o.hooks < 0 || o.hooks > 1:
		return st, errors.New("-hooks must be between 0 and 1")
	case o.prefix != "" && !validPrefix.MatchString(o.prefix):
		return st, fmt.Errorf("-prefix %q: use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit", o.prefix)
	}
	w, err := newWriter(o.dir)
	if err != nil {
		return st, err
	}
	defer w.close()

	comps, images := layout(o)
	w.file("dockyard.yaml", "# Generated by dockyard's bench/gen: a synthetic repository in the components layout.\nversion: 1\n# Tag bare names as well, as the pai-style loop it is compared with does.\nbare_tags: true\nregistry:\n  namespace: bench\n  tag: dev\n")
	w.file(".gitignore", "/src/base/rootfs/\n/src/*/dependency/\n/src/*/generated/\n")
	writeBase(w, images[0].name)
	st.hooked = 1
	for k := 1; k < len(comps); k++ {
		c := comps[k]
		dir := "src/" + c.name
		if c.hooks {
			writeHooks(w, dir, c.name)
			st.hooked++
		}
		if len(c.deps) > 0 {
			var b strings.Builder
			b.WriteString("# components whose images this component's images need\n")
			for _, d := range c.deps {
				b.WriteString(comps[d].name + "\n")
			}
			w.file(dir+"/build/component.dep", b.String())
			st.depFiles++
		}
		for _, i := range c.images {
			im := images[i]
			w.file(dir+"/files/"+im.name+".txt", fmt.Sprintf("%s of %s\n", im.name, c.name))
			w.file(dir+"/build/"+im.name+".dockerfile", dockerfile(im, images, comps, c, o.runWork, o.runSleep))
		}
	}
	if w.err != nil {
		return st, w.err
	}
	if err := w.close(); err != nil {
		return st, err
	}

	depth := make([]int, len(images))
	for i, im := range images {
		depth[i] = 1
		for _, p := range []int{im.from, im.copyFrom} {
			if p >= 0 {
				depth[i] = max(depth[i], depth[p]+1)
			}
		}
		for _, d := range comps[im.comp].deps {
			for _, p := range comps[d].images {
				depth[i] = max(depth[i], depth[p]+1)
			}
		}
		if im.from >= 0 {
			st.fromEdges++
		}
		if im.copyFrom >= 0 {
			st.copyEdges++
		}
	}
	st.images, st.components, st.files = len(images), len(comps), w.count
	st.depth = slices.Max(depth)
	return st, nil
}

// writeBase writes the root component: FROM scratch plus busybox, which
// its build-pre.sh copies in and its build-post.sh removes.
func writeBase(w *writer, name string) {
	w.file("src/base/files/"+name+".txt", name+" of base\n")
	w.file("src/base/build/"+name+".dockerfile", `# `+name+`: the root of every generated image. FROM scratch plus the static
# busybox that build-pre.sh copies into rootfs/bin/.
FROM scratch
COPY rootfs/ /
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /data /deps /tmp && chmod 1777 /tmp
COPY files/`+name+`.txt /data/`+name+`.txt
`)
	w.exec("src/base/build/build-pre.sh", `#!/usr/bin/env bash
# Copies a static busybox into rootfs/bin/ of this component's context.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
busybox=${BUSYBOX:-/usr/bin/busybox}
if [[ ! -x $busybox ]] || { command -v ldd >/dev/null && ldd "$busybox" 2>/dev/null | grep -q '=>'; }; then
	echo "base: need a static busybox at $busybox: apt-get install busybox-static, or set BUSYBOX" >&2
	exit 1
fi
mkdir -p rootfs/bin
cp "$busybox" rootfs/bin/busybox
`)
	w.exec("src/base/build/build-post.sh", `#!/usr/bin/env bash
# Removes what build-pre.sh created.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rm -f rootfs/bin/busybox
rmdir rootfs/bin rootfs 2>/dev/null || true
`)
}

// writeHooks writes a component's hooks: build-pre.sh checksums the
// component's files into generated/, which its Dockerfiles COPY;
// build-post.sh checks that the file is still there.
func writeHooks(w *writer, dir, comp string) {
	w.exec(dir+"/build/build-pre.sh", `#!/usr/bin/env bash
# Writes generated/`+comp+`.sums, the checksums of files/, which this
# component's Dockerfiles COPY.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p generated
sha256sum files/* >generated/`+comp+`.sums
`)
	w.exec(dir+"/build/build-post.sh", `#!/usr/bin/env bash
# Checks that what build-pre.sh wrote is still there after the builds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
test -s generated/`+comp+`.sums
`)
}

// dockerfile renders one image's Dockerfile.
func dockerfile(im image, images []image, comps []component, c component, runWork int, runSleep float64) string {
	var b strings.Builder
	parent := images[im.from].name
	fmt.Fprintf(&b, "# %s (component %s): FROM %s", im.name, c.name, parent)
	if im.copyFrom >= 0 {
		fmt.Fprintf(&b, ", COPY --from=%s", images[im.copyFrom].name)
	}
	b.WriteString("\n")
	from := parent
	if im.argFrom {
		fmt.Fprintf(&b, "ARG PARENT=%s\n", parent)
		from = "${PARENT}"
	}
	work := func(dst string) {
		if runWork > 0 {
			fmt.Fprintf(&b, "RUN i=0; while [ $i -lt %d ]; do i=$((i+1)); done; echo \"%s counted to $i\" > %s\n", runWork, im.name, dst)
		}
		if runSleep > 0 {
			fmt.Fprintf(&b, "RUN sleep %g && echo \"%s slept %gs\" > %s.slept\n", runSleep, im.name, runSleep, dst)
		}
	}
	if im.multiStep {
		fmt.Fprintf(&b, "FROM %s AS stage\n", from)
		fmt.Fprintf(&b, "COPY files/%s.txt /stage/%s.txt\n", im.name, im.name)
		work("/stage/" + im.name + ".work")
		fmt.Fprintf(&b, "\nFROM %s\n", from)
		b.WriteString("COPY --from=stage /stage/ /data/\n")
	} else {
		fmt.Fprintf(&b, "FROM %s\n", from)
		fmt.Fprintf(&b, "COPY files/%s.txt /data/%s.txt\n", im.name, im.name)
		work("/data/" + im.name + ".work")
	}
	if c.hooks {
		fmt.Fprintf(&b, "COPY generated/%s.sums /data/%s.sums\n", c.name, im.name)
	}
	if im.copyFrom >= 0 {
		src := images[im.copyFrom].name
		fmt.Fprintf(&b, "COPY --from=%s /data/%s.txt /data/from-%s.txt\n", src, src, src)
	}
	for _, d := range c.deps {
		fmt.Fprintf(&b, "COPY dependency/%s/files/ /deps/%s/\n", comps[d].name, comps[d].name)
	}
	fmt.Fprintf(&b, "LABEL bench.image=%s bench.component=%s\n", im.name, c.name)
	return b.String()
}

// writer creates files under a root, never over an existing file, and
// lists each in the marker before creating it. The first error sticks.
type writer struct {
	root   string
	marker *os.File
	count  int
	err    error
}

func newWriter(dir string) (*writer, error) {
	if err := prepare(dir); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, markerName), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	if _, err := fmt.Fprintln(f, markerHeader); err != nil {
		f.Close()
		return nil, err
	}
	return &writer{root: dir, marker: f}, nil
}

func (w *writer) file(rel, content string) { w.write(rel, content, 0o644) }
func (w *writer) exec(rel, content string) { w.write(rel, content, 0o755) }

func (w *writer) write(rel, content string, mode fs.FileMode) {
	if w.err != nil {
		return
	}
	if _, err := fmt.Fprintln(w.marker, rel); err != nil {
		w.err = err
		return
	}
	path := filepath.Join(w.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		w.err = err
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		w.err = fmt.Errorf("not overwriting: %w", err)
		return
	}
	_, err = f.WriteString(content)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		w.err = err
		return
	}
	w.count++
}

func (w *writer) close() error {
	if w.marker == nil {
		return nil
	}
	err := w.marker.Close()
	w.marker = nil
	return err
}

// prepare makes dir ready for writing: it creates it if absent, accepts it
// empty, and otherwise accepts it only when gen's marker is there, removing
// the files the marker lists (and folders that leaves empty).
func prepare(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return err
	case len(entries) == 0:
		return nil
	}
	marker := filepath.Join(dir, markerName)
	f, err := os.Open(marker)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s is not empty and was not written by gen (no %s): choose an empty or new directory", dir, markerName)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() || sc.Text() != markerHeader {
		return fmt.Errorf("%s: not a marker written by gen; leaving %s alone", marker, dir)
	}
	var folders []string
	for sc.Scan() {
		rel := filepath.FromSlash(sc.Text())
		if rel == "" || !filepath.IsLocal(rel) {
			return fmt.Errorf("%s lists %q, which is outside %s; leaving it alone", marker, sc.Text(), dir)
		}
		path := filepath.Join(dir, rel)
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for d := filepath.Dir(rel); d != "."; d = filepath.Dir(d) {
			folders = append(folders, d)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	// Deepest first; a folder that still holds something stays.
	sep := string(filepath.Separator)
	slices.SortFunc(folders, func(a, b string) int {
		if d := strings.Count(b, sep) - strings.Count(a, sep); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	for _, d := range slices.Compact(folders) {
		os.Remove(filepath.Join(dir, d))
	}
	f.Close()
	return os.Remove(marker)
}
