package docker

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tonistiigi/fsutil"
	fstypes "github.com/tonistiigi/fsutil/types"
)

func TestSyncedDirs(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"src/c/.dockerignore":      "secret.txt\nbuild\n",
		"src/c/keep.txt":           "k",
		"src/c/secret.txt":         "s",
		"src/c/build/x.dockerfile": "FROM x",
	})
	ctxDir := filepath.Join(root, "src", "c")
	// Owned by someone else, if the test may give files away.
	_ = os.Chown(filepath.Join(ctxDir, "keep.txt"), 1000, 1000)
	dirs, filter, err := syncedDirs(ctxDir, filepath.Join(ctxDir, "build", "x.dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		dir      string
		excludes []string // the engine's
		want     []string
	}{
		{"context with .dockerignore", localContext, nil, []string{".dockerignore", "keep.txt"}},
		{"context with the engine's excludes", localContext, []string{"keep.txt", "build"}, []string{".dockerignore", "secret.txt"}},
		{"dockerfile directory", localDockerfile, nil, []string{"x.dockerfile"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := &fsutil.FilterOpt{ExcludePatterns: tt.excludes}
			if err := filter(tt.dir, opt); err != nil {
				t.Fatal(err)
			}
			dir, err := fsutil.NewFilterFS(dirs[tt.dir], opt)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			err = dir.Walk(t.Context(), "", func(path string, entry fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				fi, err := entry.Info()
				if err != nil {
					return err
				}
				if st := fi.Sys().(*fstypes.Stat); st.Uid != 0 || st.Gid != 0 {
					t.Errorf("%s is owned by %d:%d, want root", path, st.Uid, st.Gid)
				}
				got = append(got, path)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
		})
	}
}
