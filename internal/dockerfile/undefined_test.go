package dockerfile

import (
	"strings"
	"testing"
)

// TestUndefinedInFrom checks that a FROM using a variable that no ARG
// before the first FROM declares is an error at its line, while a
// declared ARG, a default and the platform args are fine.
func TestUndefinedInFrom(t *testing.T) {
	tests := []struct {
		name, dockerfile string
		args             map[string]string
		want             string // error; "" means the base
		base             string
	}{
		{name: "undefined in a reference", dockerfile: "FROM ${UNDEFINED}/x:${T}\n",
			want: "Dockerfile:1: FROM ${UNDEFINED}/x:${T} uses undefined variables T, UNDEFINED; declare ARG T, UNDEFINED before the first FROM, and give it a default or a build arg"},
		{name: "undefined plain", dockerfile: "ARG REPO=r\nFROM $REPO/app:$TAG\n",
			want: "Dockerfile:2: FROM $REPO/app:$TAG uses undefined variable TAG; "},
		{name: "a build arg is not a declaration", dockerfile: "FROM scratch AS s\nFROM app:${TAG}\n", args: map[string]string{"TAG": "1"},
			want: "Dockerfile:2: FROM app:${TAG} uses undefined variable TAG; "},
		{name: "undefined in a platform", dockerfile: "FROM --platform=linux/$ARCH app\n",
			want: "Dockerfile:1: FROM --platform=linux/$ARCH uses undefined variable ARCH; "},
		{name: "declared with a default", dockerfile: "ARG TAG=1\nFROM app:${TAG}\n", base: "app:1"},
		{name: "declared and given", dockerfile: "ARG TAG\nFROM app:${TAG}\n", args: map[string]string{"TAG": "2"}, base: "app:2"},
		{name: "declared without a value", dockerfile: "ARG SUFFIX\nFROM app${SUFFIX}\n", base: "app"},
		{name: "a default in the reference", dockerfile: "FROM ${IMAGE:-alpine}:${TAG-3}\n", base: "alpine:3"},
		{name: "platform args", dockerfile: "FROM app-${TARGETARCH}\n", base: "app-${TARGETARCH}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("Dockerfile", []byte(tt.dockerfile), tt.args, "")
			if tt.want != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
					t.Fatalf("error = %v\nwant prefix %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Stages[len(f.Stages)-1].Base; got != tt.base {
				t.Errorf("base = %q, want %q", got, tt.base)
			}
		})
	}
}
