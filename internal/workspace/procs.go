package workspace

import (
	"crypto/rand"
	"encoding/hex"
)

// runEnv is the variable every process of a run's hooks carries, with the
// run's token as its value: the processes that a hook leaves running are
// found by it and ended when the run ends (Close), and after a crash when
// the next run or `dockyard clean` opens the repository.
const runEnv = "DOCKYARD_RUN_ID"

// killRounds bounds how often endProcs looks again for processes that
// forked while it was killing.
const killRounds = 50

// procsEnv returns runEnv=token for a hook. Before the run's first hook it
// makes the token and journals it.
func (w *Workspace) procsEnv() (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return "", errClosed
	}
	if w.token == "" {
		b := make([]byte, 16)
		rand.Read(b)
		tok := hex.EncodeToString(b)
		if err := w.j.write(record{Op: opRun, Token: tok}); err != nil {
			return "", err
		}
		w.token = tok
	}
	return runEnv + "=" + w.token, nil
}
