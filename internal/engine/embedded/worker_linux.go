package embedded

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/containers/buildah/define"
	"github.com/containers/buildah/imagebuildah"
	nettypes "github.com/containers/common/libnetwork/types"
	"github.com/containers/storage/pkg/reexec"
	"github.com/google/go-containerregistry/pkg/authn"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// workerCommand is the name a build worker is started under.
const workerCommand = "dockyard-embedded-worker"

func init() { reexec.Register(workerCommand, workerMain) }

// job is what the engine sends a worker on its stdin.
type job struct {
	Root    string
	Request engine.Request
	// Suffix ends the names of the build's working containers, so that
	// the engine can find them after killing the worker.
	Suffix string
	// Auth holds the credentials of the registries the build pulls its
	// bases from, by host; they pass through the worker's stdin only.
	Auth map[string]authn.AuthConfig
}

// outcome is what a worker sends back on its result pipe (fd 3).
type outcome struct {
	ID    string `json:"id,omitempty"`
	Error string `json:"error,omitempty"`
	// Left are the processes of the build still alive when the worker
	// gave up killing them.
	Left []int `json:"left,omitempty"`
}

// cancelSignal is what the engine sends a worker to cancel its build.
const cancelSignal = syscall.SIGINT

// workerMain builds one image. The worker is a child subreaper: processes
// that RUN steps leave behind become its children, and it kills them all
// before it exits, as a container's end does. It also dies with the
// engine: when its stdin closes, it kills them and exits. On cancelSignal
// it cancels the build (see cancelOnSignal) and exits once buildah has
// returned.
func workerMain() {
	endWithEngine()
	ctx := cancelOnSignal()
	unix.CloseOnExec(3) // RUN steps must not hold the result pipe
	result := os.NewFile(3, "result")
	var j job
	dec := json.NewDecoder(os.Stdin)
	if err := dec.Decode(&j); err != nil {
		report(result, outcome{Error: fmt.Sprintf("reading the build request: %v", err)})
		os.Exit(1)
	}
	go func() {
		io.Copy(io.Discard, io.MultiReader(dec.Buffered(), os.Stdin))
		killDescendants(os.Getpid(), time.Now().Add(engine.StopTimeout))
		os.Exit(1)
	}()
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		fmt.Fprintf(os.Stderr, "warning: processes left by RUN steps may survive the build: %v\n", err)
	}
	logrus.SetLevel(logrus.WarnLevel)
	id, err := runJob(ctx, j)
	left := killDescendants(os.Getpid(), time.Now().Add(engine.StopTimeout))
	if err != nil {
		report(result, outcome{Error: err.Error(), Left: left})
		os.Exit(1)
	}
	report(result, outcome{ID: id, Left: left})
	os.Exit(0)
}

// cancelOnSignal returns a context that cancelSignal cancels. From then on
// the worker kills every process under it, again and again until it exits:
// RUN steps end, and so does a step that would start; buildah, in the
// worker's own process, is never stopped in the middle of writing to the
// store. A commit in flight finishes, or fails (when a helper process it
// runs is killed) and is rolled back by containers/storage; buildah then
// removes the build's working containers itself.
func cancelOnSignal() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, cancelSignal)
	go func() {
		<-sig
		cancel()
		for {
			for _, p := range descendants(os.Getpid()) {
				syscall.Kill(p, syscall.SIGKILL)
			}
			time.Sleep(killPoll)
		}
	}()
	return ctx
}

func report(w io.Writer, o outcome) {
	if err := json.NewEncoder(w).Encode(o); err != nil {
		fmt.Fprintf(os.Stderr, "sending the build's result: %v\n", err)
	}
}

// runJob builds the image and returns its ID.
func runJob(ctx context.Context, j job) (string, error) {
	store, err := openStore(j.Root, os.Stderr)
	if err != nil {
		return "", err
	}
	defer store.Shutdown(false)
	opts, err := buildOptions(j)
	if err != nil {
		return "", err
	}
	if j.Request.Pull {
		// buildOptions checked the platform.
		if err := pullBases(ctx, store, opts.SystemContext, j.Request); err != nil {
			return "", err
		}
	}
	id, _, err := imagebuildah.BuildDockerfiles(ctx, store, opts, j.Request.Dockerfile)
	return id, err
}

// buildOptions translates a request into buildah's options: chroot
// isolation, Docker's image format, a layer cache, registries and
// signature policy from the store's directory.
func buildOptions(j job) (define.BuildOptions, error) {
	req := j.Request
	ulimits, err := ulimits()
	if err != nil {
		return define.BuildOptions{}, err
	}
	// The context's rules decide what COPY and ADD see, as literal paths
	// that buildah's own matching cannot read otherwise; never empty, so
	// buildah does not look for ignore files of its own.
	rules, err := req.Rules()
	if err != nil {
		return define.BuildOptions{}, err
	}
	excludes, err := rules.Literal(req.ContextDir)
	if err != nil {
		return define.BuildOptions{}, err
	}
	opts := define.BuildOptions{
		ContextDirectory:        req.ContextDir,
		Excludes:                excludes,
		PullPolicy:              define.PullIfMissing,
		Isolation:               define.IsolationChroot,
		Args:                    req.Args,
		Target:                  req.Target,
		NoCache:                 req.NoCache,
		Layers:                  true,
		RemoveIntermediateCtrs:  true,
		ForceRmIntermediateCtrs: true,
		OutputFormat:            define.Dockerv2ImageManifest,
		ContainerSuffix:         j.Suffix,
		SystemContext:           systemContext(j.Root),
		CommonBuildOpts:         &define.CommonBuildOptions{Ulimit: ulimits},
		// RUN steps share the machine's network: chroot isolation has
		// no network of its own, so none is set up, and buildah needs
		// no network backend (netavark, CNI) on the machine.
		NamespaceOptions:   define.NamespaceOptions{{Name: string(specs.NetworkNamespace), Host: true}},
		NetworkInterface:   hostNetwork{},
		Out:                os.Stdout,
		Err:                os.Stdout,
		ReportWriter:       os.Stdout,
		MaxPullPushRetries: 2,
	}
	opts.SignaturePolicyPath = opts.SystemContext.SignaturePolicyPath
	if err := useCredentials(opts.SystemContext, j.Auth); err != nil {
		return opts, err
	}
	if len(req.Tags) > 0 {
		opts.Output, opts.AdditionalTags = req.Tags[0], req.Tags[1:]
	}
	for _, k := range slices.Sorted(maps.Keys(req.Labels)) {
		opts.Labels = append(opts.Labels, k+"="+req.Labels[k])
	}
	if req.Platform != "" {
		parts := strings.Split(req.Platform, "/")
		if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
			return opts, fmt.Errorf("platform %q is not os/arch[/variant]", req.Platform)
		}
		p := struct{ OS, Arch, Variant string }{OS: parts[0], Arch: parts[1]}
		if len(parts) == 3 {
			p.Variant = parts[2]
		}
		opts.Platforms = append(opts.Platforms, p)
	}
	return opts, nil
}

// hostNetwork is the network backend of builds that use the host's
// network: buildah asks for a backend, and never uses it then.
type hostNetwork struct{ nettypes.ContainerNetwork }

// ulimits are the RUN steps' limits: the worker's own hard limits.
// buildah's defaults raise the open files limit beyond what an
// unprivileged hard limit allows, which fails.
func ulimits() ([]string, error) {
	var out []string
	for name, res := range map[string]int{"nofile": unix.RLIMIT_NOFILE, "nproc": unix.RLIMIT_NPROC} {
		var lim unix.Rlimit
		if err := unix.Getrlimit(res, &lim); err != nil {
			return nil, fmt.Errorf("reading the %s limit: %w", name, err)
		}
		if lim.Max != unix.RLIM_INFINITY {
			out = append(out, fmt.Sprintf("%s=%d:%d", name, lim.Max, lim.Max))
		}
	}
	slices.Sort(out)
	return out, nil
}
