package buildkit

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// TestPruneDamagedStore checks that an index entry whose manifest is gone
// does not stop a prune: the blobs nothing else uses are swept, and the
// entry stays for the engine to report.
func TestPruneDamagedStore(t *testing.T) {
	root := t.TempDir()
	st, err := openStore(filepath.Join(root, "buildkit"))
	if err != nil {
		t.Fatal(err)
	}
	lost := ocispecs.Descriptor{MediaType: ocispecs.MediaTypeImageManifest, Digest: digest.FromString("a manifest that is gone"), Size: 23}
	if err := st.put(lost, map[string]string{annotationConfig: "sha256:x"}, []string{"lost:latest"}); err != nil {
		t.Fatal(err)
	}
	orphan := []byte("a blob no image uses")
	blobs := filepath.Join(st.dir, ocispecs.ImageBlobsDir, "sha256")
	if err := os.MkdirAll(blobs, 0o755); err != nil {
		t.Fatal(err)
	}
	orphanPath := filepath.Join(blobs, digest.FromBytes(orphan).Encoded())
	if err := os.WriteFile(orphanPath, orphan, 0o644); err != nil {
		t.Fatal(err)
	}

	pr, err := PruneStore(context.Background(), root, "a-checkout", func(string) bool { return false })
	if err != nil {
		t.Fatalf("prune of a store with a lost manifest: %v", err)
	}
	if pr.Blobs != 1 || pr.Bytes != int64(len(orphan)) {
		t.Errorf("pruned %d blobs (%d bytes), want the orphan: 1 (%d bytes)", pr.Blobs, pr.Bytes, len(orphan))
	}
	if _, err := os.Stat(orphanPath); !os.IsNotExist(err) {
		t.Errorf("the orphan blob is still there: %v", err)
	}
	if _, found, err := st.find("lost:latest"); err != nil || !found {
		t.Errorf("the damaged entry: found %v, %v; want it kept", found, err)
	}
}
