package workspace

import (
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// identify returns what tells the file or folder at p from one made in
// its place later, even with the same name and inode number: its device
// and inode, then, where the file system keeps them, its birth time and
// the marker dockyard gave it, as "dev:ino[:bSEC.NSEC][:mMARKER]". With
// mark, it first gives p a new marker: only what dockyard makes has one.
// It is "" where the system tells none of these. No symlink is followed.
func (w *Workspace) identify(p string, mark bool) (string, error) {
	dir, err := w.root.Open(filepath.FromSlash(path.Dir(p)))
	if err != nil {
		return "", err
	}
	defer dir.Close()
	if mark {
		markNew(dir, path.Base(p))
	}
	return statID(dir, path.Base(p))
}

// sameID reports whether the identity now is the one recorded: the same
// device and inode, and each birth time or marker recorded is there too.
// An identity that is not known matches any.
func sameID(recorded, now string) bool {
	if recorded == "" || now == "" {
		return true
	}
	have := strings.Split(now, ":")
	for i, part := range strings.Split(recorded, ":") {
		switch {
		case i < 2 && (i >= len(have) || have[i] != part):
			return false
		case i >= 2 && (len(have) < 2 || !slices.Contains(have[2:], part)):
			return false
		}
	}
	return true
}
