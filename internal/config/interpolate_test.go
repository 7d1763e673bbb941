package config

import (
	"strings"
	"testing"
)

func TestInterpolate(t *testing.T) {
	vars := map[string]string{"FATE_VERSION": "1.6.1", "EMPTY": "", "TAG": "t1"}
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	tests := []struct{ in, want, err string }{
		{in: "plain", want: "plain"},
		{in: "$TAG-${TAG}", want: "t1-t1"},
		{in: "${NOTAG:-${FATE_VERSION}-release}", want: "1.6.1-release"},
		{in: "${TAG:-${FATE_VERSION}-release}", want: "t1"},
		{in: "${EMPTY:-x} ${EMPTY-y}", want: "x "},
		{in: "$$TAG costs $$5", want: "$TAG costs $5"},
		{in: "${MISSING}", err: "variable MISSING is not set (define it in .env or the environment, or write ${MISSING:-default})"},
		{in: "a-$MISSING_TOO", err: "variable MISSING_TOO is not set"},
		{in: "${MISSING:?set the tag}", err: "set the tag"},
		{in: "${", err: "Invalid template"},
	}
	for _, tt := range tests {
		got, err := interpolate(tt.in, lookup)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("interpolate(%q) error = %v, want %q", tt.in, err, tt.err)
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("interpolate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
