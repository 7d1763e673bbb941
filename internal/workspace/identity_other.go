//go:build !unix

package workspace

import "os"

// statID tells no identity here: the kind of a path is still checked.
func statID(*os.File, string) (string, error) { return "", nil }

// markNew gives no marker here.
func markNew(*os.File, string) {}
