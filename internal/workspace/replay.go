package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

var (
	// idPattern is an identity as identify writes it.
	idPattern = regexp.MustCompile(`^[0-9]{1,20}:[0-9]{1,20}(:b[0-9]{1,20}\.[0-9]{9})?(:m[0-9a-f]{16})?$`)
	// tokenPattern is a run's token as procsEnv makes it.
	tokenPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

// replay is what a journal left by an earlier run says.
type replay struct {
	entries map[string]*entry // the paths it made or was making
	tokens  []string          // what its hooks' processes carry
	ignored []string          // its invalid records, as "journal line N: why"
}

// loadJournal reads a journal left by an earlier run; nil when there is none.
func loadJournal(r *os.Root) (*replay, error) {
	data, err := r.ReadFile(filepath.FromSlash(journalFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the journal: %w", err)
	}
	return parseJournal(data), nil
}

// parseJournal replays a journal's records. Nothing acts on a record that
// is not valid: it is listed in ignored, except a last line that a crash
// tore while it was written.
func parseJournal(data []byte) *replay {
	rp := &replay{entries: map[string]*entry{}}
	lines := bytes.Split(data, []byte("\n"))
	for i, line := range lines {
		if len(line) == 0 {
			continue
		}
		rec, err := decodeRecord(line)
		if err == nil {
			err = rp.apply(rec)
		}
		switch {
		case err == nil:
		case i == len(lines)-1 && !json.Valid(line):
			// torn by a crash while it was written
		default:
			rp.ignored = append(rp.ignored, fmt.Sprintf("%s line %d: %v", journalFile, i+1, err))
		}
	}
	return rp
}

// decodeRecord reads one line of the journal and checks it.
func decodeRecord(line []byte) (record, error) {
	var rec record
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil || dec.More() {
		return rec, errors.New("not a journal record")
	}
	return rec, rec.check()
}

// check tells whether a record is one dockyard writes.
func (r record) check() error {
	switch r.Op {
	case opRun:
		if r.Path != "" || r.Dir || r.ID != "" {
			return errors.New("a run record names no path")
		}
		if !tokenPattern.MatchString(r.Token) {
			return fmt.Errorf("token %q is not 32 hexadecimal digits", r.Token)
		}
		return nil
	case opAdd, opMade, opDrop:
	default:
		return fmt.Errorf("unknown op %q", r.Op)
	}
	switch {
	case r.Token != "":
		return errors.New("only run records carry a token")
	case r.Dir && r.Op != opAdd:
		return errors.New("only add records say a path is a folder")
	case r.ID != "" && r.Op != opMade:
		return errors.New("only made records carry an identity")
	case r.ID != "" && !idPattern.MatchString(r.ID):
		return fmt.Errorf("identity %q is not device:inode[:birth time][:marker]", r.ID)
	}
	return journalPath(r.Path)
}

// journalPath checks a path a record names: in its plain form, inside the
// repository, not git's, and under .dockyard only in its temporary folder,
// the one place there dockyard journals what it makes.
func journalPath(p string) error {
	c, err := clean(p)
	switch {
	case err != nil:
		return err
	case c != p:
		return fmt.Errorf("path %q is not in its plain form", p)
	case under(c, stateDir) && !under(c, tmpDir):
		return fmt.Errorf("%s is dockyard's own state", c)
	}
	return nil
}

// apply replays one valid record.
func (rp *replay) apply(r record) error {
	switch e := rp.entries[r.Path]; r.Op {
	case opRun:
		rp.tokens = append(rp.tokens, r.Token)
	case opAdd:
		rp.entries[r.Path] = &entry{dir: r.Dir}
	case opMade:
		if e == nil {
			return fmt.Errorf("%s was made without being journaled first", r.Path)
		}
		e.made, e.id = true, r.ID
	case opDrop:
		delete(rp.entries, r.Path)
	}
	return nil
}
