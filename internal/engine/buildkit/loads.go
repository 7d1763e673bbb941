package buildkit

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gofrs/flock"
)

// loads shares the pool's loads between the dockyard processes of one
// user, so that two runs on one pool spread their builds instead of both
// taking the worker each finds least loaded: each process keeps, in a
// folder of the user's cache, a file of its active builds per worker
// address (ID.json), and holds ID.lock while it runs, so that the file of
// a process that died is known and removed. A lock of the folder makes
// reading the others' loads, choosing a worker and writing one's own one
// step.
type loads struct {
	dir string
	id  string
	// local serializes this process's holders of the folder's lock: a
	// flock is the process's, whichever goroutine took it.
	local sync.Mutex
	mu    *flock.Flock // the folder's lock
	live  *flock.Flock // this process's ID.lock
}

// openLoads joins the processes sharing loads in dir.
func openLoads(dir string) (*loads, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sharing the workers' loads: %w", err)
	}
	raw := make([]byte, 8)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	l := &loads{dir: dir, id: fmt.Sprintf("%d-%s", os.Getpid(), hex.EncodeToString(raw)), mu: flock.New(filepath.Join(dir, "lock"))}
	l.live = flock.New(filepath.Join(dir, l.id+".lock"))
	if err := l.live.Lock(); err != nil {
		return nil, fmt.Errorf("sharing the workers' loads: %w", err)
	}
	return l, nil
}

// lock takes the folder's lock; unlock gives it back.
func (l *loads) lock() error {
	l.local.Lock()
	if err := l.mu.Lock(); err != nil {
		l.local.Unlock()
		return fmt.Errorf("sharing the workers' loads: %w", err)
	}
	return nil
}

func (l *loads) unlock() {
	_ = l.mu.Unlock()
	l.local.Unlock()
}

// others sums the other processes' active builds per worker address,
// removing the files of those that died; the folder's lock is held. The
// map is never nil.
func (l *loads) others() map[string]int {
	out := map[string]int{}
	files, _ := filepath.Glob(filepath.Join(l.dir, "*.json"))
	for _, f := range files {
		id := strings.TrimSuffix(filepath.Base(f), ".json")
		if id == l.id {
			continue
		}
		live := flock.New(filepath.Join(l.dir, id+".lock"))
		if free, err := live.TryLock(); err == nil && free {
			_ = os.Remove(f)
			_ = os.Remove(live.Path())
			_ = live.Unlock()
			continue
		}
		var theirs map[string]int
		data, err := os.ReadFile(f)
		if err != nil || json.Unmarshal(data, &theirs) != nil {
			continue
		}
		for addr, n := range theirs {
			out[addr] += n
		}
	}
	return out
}

// write records this process's active builds per worker address; the
// folder's lock is held.
func (l *loads) write(active map[string]int) error {
	data, err := json.Marshal(active)
	if err != nil {
		return err
	}
	tmp := filepath.Join(l.dir, l.id+".tmp")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("sharing the workers' loads: %w", err)
	}
	return os.Rename(tmp, filepath.Join(l.dir, l.id+".json"))
}

// close leaves the processes sharing loads.
func (l *loads) close() error {
	if err := l.lock(); err != nil {
		return err
	}
	defer l.unlock()
	err := os.Remove(filepath.Join(l.dir, l.id+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	return errors.Join(err, os.Remove(l.live.Path()), l.live.Unlock())
}

// lockShared takes the lock of the loads shared with other processes and
// returns theirs, by worker address; nil without sharing, or when the
// lock fails (warned about once).
func (p *pool) lockShared() map[string]int {
	if p.shared == nil {
		return nil
	}
	if err := p.shared.lock(); err != nil {
		p.sharingFailed(err)
		return nil
	}
	return p.shared.others()
}

// unlockShared gives back what lockShared took; others is what it
// returned, nil when it took nothing.
func (p *pool) unlockShared(others map[string]int) {
	if others != nil {
		p.shared.unlock()
	}
}

// writeShared records this process's loads for the others; p.mu and the
// shared lock are held.
func (p *pool) writeShared() {
	if p.shared == nil {
		return
	}
	active := map[string]int{}
	for _, w := range p.workers {
		active[w.addr] += w.active
	}
	if err := p.shared.write(active); err != nil {
		p.sharingFailed(err)
	}
}

// sharingFailed warns, once, that the loads could not be shared.
func (p *pool) sharingFailed(err error) {
	p.sharedWarn.Do(func() {
		fmt.Fprintf(p.warn, "warning: %v; other dockyard runs may not see this one's builds in their choice of a worker\n", err)
	})
}
