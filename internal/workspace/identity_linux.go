package workspace

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// markAttr is the extended attribute that holds the marker dockyard gives
// what it makes.
const markAttr = "user.dockyard.made"

// statID is the identity of name in dir: device, inode, birth time (ext4,
// xfs, btrfs and tmpfs record it) and marker (where the file system keeps
// user extended attributes).
func statID(dir *os.File, name string) (string, error) {
	var st unix.Statx_t
	err := unix.Statx(int(dir.Fd()), name, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_INO|unix.STATX_BTIME, &st)
	if err != nil {
		return "", &os.PathError{Op: "statx", Path: name, Err: err}
	}
	id := fmt.Sprintf("%d:%d", unix.Mkdev(st.Dev_major, st.Dev_minor), st.Ino)
	if st.Mask&unix.STATX_BTIME != 0 {
		id += fmt.Sprintf(":b%d.%09d", st.Btime.Sec, st.Btime.Nsec)
	}
	buf := make([]byte, 64)
	n, err := unix.Lgetxattr(inDir(dir, name), markAttr, buf)
	switch {
	case err == nil:
		id += ":m" + string(buf[:n])
	case !errors.Is(err, unix.ENODATA) && !errors.Is(err, unix.ENOTSUP):
		return "", &os.PathError{Op: "getxattr", Path: name, Err: err}
	}
	return id, nil
}

// markNew gives name in dir a new marker, where the file system can keep
// one; elsewhere the rest of the identity has to do.
func markNew(dir *os.File, name string) {
	b := make([]byte, 8)
	rand.Read(b)
	_ = unix.Lsetxattr(inDir(dir, name), markAttr, []byte(hex.EncodeToString(b)), 0)
}

// inDir names name in the open folder dir, for the calls that take a path.
func inDir(dir *os.File, name string) string {
	return "/proc/self/fd/" + strconv.Itoa(int(dir.Fd())) + "/" + name
}
