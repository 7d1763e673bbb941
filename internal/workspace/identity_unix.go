//go:build unix && !linux

package workspace

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// statID is the identity of name in dir: its device and inode.
func statID(dir *os.File, name string) (string, error) {
	var st unix.Stat_t
	if err := unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return "", &os.PathError{Op: "fstatat", Path: name, Err: err}
	}
	return fmt.Sprintf("%d:%d", uint64(st.Dev), uint64(st.Ino)), nil
}

// markNew gives no marker here.
func markNew(*os.File, string) {}
