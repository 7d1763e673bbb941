package config

import (
	"fmt"
	"os"
	"path/filepath"
)

// AltFileName is the other name the project file may have, as Compose
// takes compose.yml for compose.yaml.
const AltFileName = "dockyard.yml"

// LoadFile reads the project file at file (absolute, or relative to root)
// as Load reads dockyard.yaml: dockyard build -f names it. Problems name the
// file as name, the way the user wrote it.
func LoadFile(root, file, name string) (*Config, error) {
	path := file
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, file)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	c, err := parse(root, data)
	if err != nil {
		renameProblems(err, name)
		return nil, err
	}
	c.File = name
	return c, nil
}

// renameProblems names the file of every Problem in err that names
// FileName.
func renameProblems(err error, name string) {
	switch e := err.(type) {
	case *Problem:
		if e.File == FileName {
			e.File = name
		}
	case interface{ Unwrap() []error }:
		for _, x := range e.Unwrap() {
			renameProblems(x, name)
		}
	case interface{ Unwrap() error }:
		renameProblems(e.Unwrap(), name)
	}
}
