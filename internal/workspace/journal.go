package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// The journal is .dockyard/journal, one JSON record a line, appended and
// fsynced before the path it names is created ("add") and after, with the
// identity of what dockyard made ("made"), and when a path is removed
// ("drop"). Before the run's first hook starts, a "run" record gives the
// token its processes carry in their environment, so that a later run can
// end them. When a run ends the journal is removed, or rewritten with
// temp+rename+fsync to list only what could not be removed. replay.go
// reads it back.
const (
	opAdd  = "add"
	opMade = "made"
	opDrop = "drop"
	opRun  = "run"
)

type record struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Dir   bool   `json:"dir,omitempty"`   // add: a folder, not a file
	ID    string `json:"id,omitempty"`    // made: its identity, where known
	Token string `json:"token,omitempty"` // run: what the run's processes carry
}

// entry is a journaled path.
type entry struct {
	dir     bool   // a folder, not a file
	made    bool   // dockyard confirmed creating it
	id      string // its identity when made, or ""
	busy    bool   // being removed or kept right now
	claimed bool   // made in this run for hooks to fill (Claim)
}

// records are the lines that journal e at p.
func (e *entry) records(p string) []record {
	recs := []record{{Op: opAdd, Path: p, Dir: e.dir}}
	if e.made {
		recs = append(recs, record{Op: opMade, Path: p, ID: e.id})
	}
	return recs
}

// journal appends records to .dockyard/journal, creating it on first use.
type journal struct {
	root *os.Root
	f    *os.File
}

func (j *journal) write(recs ...record) error {
	if j.f == nil {
		f, err := j.root.OpenFile(filepath.FromSlash(journalFile), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("opening the journal: %w", err)
		}
		j.f = f
		syncDir(j.root, stateDir)
	}
	var b []byte
	for _, r := range recs {
		line, err := json.Marshal(r)
		if err != nil {
			return err
		}
		b = append(append(b, line...), '\n')
	}
	if _, err := j.f.Write(b); err != nil {
		return fmt.Errorf("writing the journal: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("writing the journal: %w", err)
	}
	return nil
}

func (j *journal) close() error {
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	return err
}

// finish leaves the journal listing exactly entries: it removes the journal
// when there are none, and otherwise rewrites it atomically.
func (j *journal) finish(entries map[string]*entry) error {
	if err := j.close(); err != nil {
		return err
	}
	name := filepath.FromSlash(journalFile)
	if len(entries) == 0 {
		if err := j.root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing the journal: %w", err)
		}
		syncDir(j.root, stateDir)
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, p := range sortedDeepestFirst(entries) {
		for _, r := range entries[p].records(p) {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
	}
	tmp := name + ".tmp"
	f, err := j.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("rewriting the journal: %w", err)
	}
	_, err = f.Write(buf.Bytes())
	err = errors.Join(err, f.Sync(), f.Close())
	if err == nil {
		err = j.root.Rename(tmp, name)
	}
	if err != nil {
		return fmt.Errorf("rewriting the journal: %w", err)
	}
	syncDir(j.root, stateDir)
	return nil
}

// sweep removes journaled paths, deepest first. It deletes from entries
// each one that is gone now, or that was left in place because it changed
// (returned as left); what fails to be removed stays journaled.
func (w *Workspace) sweep(entries map[string]*entry) (removed []string, left []*changedError, err error) {
	var errs []error
	for _, p := range sortedDeepestFirst(entries) {
		ok, rerr := w.remove(p, entries[p])
		var changed *changedError
		switch {
		case errors.As(rerr, &changed):
			left = append(left, changed)
		case rerr != nil:
			errs = append(errs, rerr)
			continue
		case ok:
			removed = append(removed, p)
		}
		delete(entries, p)
	}
	return removed, left, errors.Join(errs...)
}

// sortedDeepestFirst lists the entries' paths, children before parents.
func sortedDeepestFirst(entries map[string]*entry) []string {
	paths := make([]string, 0, len(entries))
	for p := range entries {
		paths = append(paths, p)
	}
	sort.Slice(paths, func(i, j int) bool {
		if di, dj := depth(paths[i]), depth(paths[j]); di != dj {
			return di > dj
		}
		return paths[i] < paths[j]
	})
	return paths
}

// syncDir flushes a folder's entries to disk, where the platform can.
func syncDir(r *os.Root, dir string) {
	if d, err := r.Open(filepath.FromSlash(dir)); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
