package embedded

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// chrootExecCommand is the name buildah's chroot isolation starts the
// helper under that runs a RUN step's command (chroot's
// runUsingChrootExecCommand).
const chrootExecCommand = "buildah-chroot-exec"

// bypassRelay gives the RUN step that this process is about to run the
// output of its parent instead of the pipes its parent relays.
//
// buildah runs a step through two helpers: the parent copies the step's
// output from pipes to the build's output, and this one, its child, runs
// the step with those pipes as its stdout and stderr. The parent exits as
// soon as its child has, without reading what is left in the pipes: on a
// busy machine the step's last lines, a failed step's output, were lost
// (buildah v1.38, still so upstream). Writing where the parent writes
// loses nothing and keeps the order, since the parent's own last words
// come after its child ended. Where the parent's output cannot be opened,
// or this process's is not a pipe (a terminal), the relay stays.
func bypassRelay() {
	for _, fd := range []int{unix.Stdout, unix.Stderr} {
		var st unix.Stat_t
		if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
			continue
		}
		out, err := os.OpenFile(fmt.Sprintf("/proc/%d/fd/%d", os.Getppid(), fd), os.O_WRONLY, 0)
		if err != nil {
			continue
		}
		unix.Dup3(int(out.Fd()), fd, 0)
		out.Close()
	}
}
