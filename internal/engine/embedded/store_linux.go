package embedded

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/containers/image/v5/types"
	"github.com/containers/storage"
	"github.com/sirupsen/logrus"
)

// The store's directory holds:
//
//	storage/   the containers/storage graph root: layers and images
//	run/       its run root: locks and mount state
//	etc/       registries.conf.d/ and, without a system one, policy.json
//	tmp/       big temporary files: pulled and exported blobs
//	builds/    a lock file for each running build (leftovers_linux.go)
const (
	graphDir = "storage"
	runDir   = "run"
	etcDir   = "etc"
	tmpDir   = "tmp"
)

// systemPolicy is the containers tools' signature policy; dockyard follows
// it when the machine has one.
const systemPolicy = "/etc/containers/policy.json"

// registriesConf makes the store's registries behave as Docker's: short
// names mean docker.io, and registries on this machine speak plain HTTP.
// ("localhost" also matches "localhost:5000": a test pulls from
// 127.0.0.1:PORT to keep that true.) The machine's registries.conf still
// applies; its insecure registries are the other plain-HTTP ones.
const registriesConf = `# Written by dockyard; rewritten when it differs.
unqualified-search-registries = ["docker.io"]
short-name-mode = "disabled"

[[registry]]
prefix = "localhost"
location = "localhost"
insecure = true

[[registry]]
prefix = "127.0.0.1"
location = "127.0.0.1"
insecure = true
`

// acceptAnything is the signature policy without a system one: images are
// not checked for signatures, as Docker does not check them.
const acceptAnything = `{"default": [{"type": "insecureAcceptAnything"}]}
`

// prepareRoot creates the store's directory and its configuration files.
func prepareRoot(root string) error {
	for _, d := range []string{graphDir, runDir, tmpDir, filepath.Join(etcDir, "registries.conf.d")} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o700); err != nil {
			return fmt.Errorf("creating the store: %w", err)
		}
	}
	if err := writeIfChanged(filepath.Join(root, etcDir, "registries.conf.d", "50-dockyard.conf"), registriesConf); err != nil {
		return err
	}
	return writeIfChanged(filepath.Join(root, etcDir, "policy.json"), acceptAnything)
}

// writeIfChanged writes content to path, atomically, unless it holds it.
func writeIfChanged(path, content string) error {
	old, err := os.ReadFile(path)
	if err == nil && bytes.Equal(old, []byte(content)) {
		return nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	_, err = f.WriteString(content)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// openStore opens the containers/storage store under root. The graph
// driver is the one the store already uses, else the first that works
// here: overlay, else vfs. Opening it repairs what a process killed while
// writing to it left: containers/storage marks a layer incomplete before
// it writes it, and removes such layers when the store is opened; warn
// gets a line for each, as for every warning of the store and buildah.
func openStore(root string, warn io.Writer) (storage.Store, error) {
	// containers/storage tells at info level which driver it picked:
	// noise on dockyard's stderr.
	if logrus.GetLevel() == logrus.InfoLevel {
		logrus.SetLevel(logrus.WarnLevel)
	}
	logrus.SetOutput(warn)
	logrus.SetFormatter(oneLine{})
	s, err := storage.GetStore(storage.StoreOptions{
		GraphRoot: filepath.Join(root, graphDir),
		RunRoot:   filepath.Join(root, runDir),
	})
	if err != nil {
		return nil, fmt.Errorf("opening the image store in %s: %w", root, err)
	}
	// The store reads its layers, and removes incomplete ones, when first
	// asked about them: now, before anything else.
	if _, err := s.Layers(); err != nil {
		s.Shutdown(false)
		return nil, fmt.Errorf("reading the image store in %s: %w", root, err)
	}
	return s, nil
}

// incompleteLayer is how containers/storage says that it removes a layer
// marked incomplete.
var incompleteLayer = regexp.MustCompile(`^Found incomplete layer "([0-9a-f]+)", deleting it$`)

// oneLine formats what the libraries log as dockyard's warnings: one line,
// "warning: ..." (or "error: ..."), without logrus's time and fields.
type oneLine struct{}

func (oneLine) Format(e *logrus.Entry) ([]byte, error) {
	msg := e.Message
	if m := incompleteLayer.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("the embedded engine's store held layer %.12s, left incomplete by a build killed while writing it; removed it", m[1])
	}
	return []byte(e.Level.String() + ": " + strings.ReplaceAll(msg, "\n", " ") + "\n"), nil
}

// systemContext is how the store's images reach registries.
func systemContext(root string) *types.SystemContext {
	sys := &types.SystemContext{
		SystemRegistriesConfDirPath: filepath.Join(root, etcDir, "registries.conf.d"),
		BigFilesTemporaryDir:        filepath.Join(root, tmpDir),
		SignaturePolicyPath:         systemPolicy,
	}
	if _, err := os.Stat(systemPolicy); err != nil {
		sys.SignaturePolicyPath = filepath.Join(root, etcDir, "policy.json")
	}
	return sys
}
