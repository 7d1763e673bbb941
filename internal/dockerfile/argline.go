package dockerfile

import (
	"bytes"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// ArgLine returns the line of the first ARG instruction of a Dockerfile
// that declares name, or 0 when none does (or the file does not parse).
func ArgLine(data []byte, name string) int {
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return 0
	}
	for _, n := range res.AST.Children {
		if !strings.EqualFold(n.Value, "arg") {
			continue
		}
		for kv := n.Next; kv != nil; kv = kv.Next {
			if key, _, _ := strings.Cut(kv.Value, "="); key == name {
				return n.StartLine
			}
		}
	}
	return 0
}
