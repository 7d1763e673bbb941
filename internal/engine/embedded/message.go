package embedded

import (
	"regexp"
	"strings"
)

var (
	// goValue starts a Go value that buildah prints with %#v, such as
	// copier's whole request (kilobytes on one line), with the words that
	// introduce it.
	goValue = regexp.MustCompile(`(error during bulk transfer )?for [a-z][a-zA-Z0-9_]*\.[a-zA-Z_][a-zA-Z0-9_]*\{`)
	// copierMissing is copier's error for a path that is not in the build
	// context, with the path it resolved to, through symlinks, inside it.
	copierMissing = regexp.MustCompile(`copier: get: lstat "([^"]*)"\("([^"]*)"\): lstat [^:]*: no such file or directory`)
)

// plainMessage turns a build error of buildah into one readable line: it
// drops the Go values it prints, and says what copier's missing path is.
func plainMessage(msg string) string {
	for {
		loc := goValue.FindStringIndex(msg)
		if loc == nil {
			break
		}
		end := closingBrace(msg, loc[1]-1)
		if end < 0 {
			msg = strings.TrimRight(msg[:loc[0]], " :")
			break
		}
		msg = msg[:loc[0]] + strings.TrimPrefix(msg[end:], ": ")
	}
	msg = copierMissing.ReplaceAllStringFunc(msg, func(m string) string {
		sub := copierMissing.FindStringSubmatch(m)
		if sub[1] == sub[2] {
			return sub[1] + " is not in the build context"
		}
		return sub[1] + " leads through a symlink to " + sub[2] + ", which is not in the build context"
	})
	return strings.ReplaceAll(strings.TrimSpace(msg), "\n", "; ")
}

// closingBrace returns the index just past the brace that closes the one
// at open, skipping quoted strings; -1 when there is none.
func closingBrace(s string, open int) int {
	depth, quoted := 0, false
	for i := open; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}
