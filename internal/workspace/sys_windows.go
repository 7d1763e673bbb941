package workspace

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"syscall"

	"golang.org/x/sys/windows"
)

// setGroup starts the hook in its own process group and makes canceling
// end its whole process tree.
func setGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
	cmd.Cancel = func() error {
		kill := exec.Command("taskkill", "/T", "/F", "/PID", strconv.Itoa(cmd.Process.Pid))
		if kill.Run() != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
}

func exitStatus(ps *os.ProcessState) int { return ps.ExitCode() }

// The lock is a LockFileEx lock on one byte far past the end of the file,
// so the pid at its start stays readable. Windows releases it when the
// handle closes or the process dies; a second handle conflicts.
func lockRange() *windows.Overlapped { return &windows.Overlapped{OffsetHigh: 1} }

func tryLock(_ *os.Root, f *os.File) (bool, error) {
	flags := uint32(windows.LOCKFILE_EXCLUSIVE_LOCK | windows.LOCKFILE_FAIL_IMMEDIATELY)
	err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, lockRange())
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return false, nil
	}
	return err == nil, err
}

func unlock(_ *os.Root, f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, lockRange())
}
