package dockerfile

import (
	"strings"
	"testing"
)

func TestPin(t *testing.T) {
	const id = "localhost/pin:abc"
	tests := []struct {
		name string
		src  string
		args map[string]string
		pin  []string // expanded references to pin
		want string
	}{{
		name: "FROM with build args, flags and a stage name",
		src:  "ARG PREFIX=fed\nARG TAG=1\nFROM --platform=$BUILDPLATFORM ${PREFIX}/base:${TAG} AS b\nRUN true\n",
		pin:  []string{"fed/base:1"},
		want: "ARG PREFIX=fed\nARG TAG=1\nFROM --platform=$BUILDPLATFORM " + id + " AS b\nRUN true\n",
	}, {
		name: "build arg given",
		src:  "ARG BASE_IMAGE=python\nFROM ${BASE_IMAGE}\n",
		args: map[string]string{"BASE_IMAGE": "eggroll"},
		pin:  []string{"eggroll"},
		want: "ARG BASE_IMAGE=python\nFROM " + id + "\n",
	}, {
		name: "continuation keeps lines",
		src:  "FROM \\\n  base\nCOPY --chown=1 \\\n  --from=tools /a /b\n",
		pin:  []string{"base", "tools"},
		want: "FROM \\\n  " + id + "\nCOPY --chown=1 \\\n  --from=" + id + " /a /b\n",
	}, {
		name: "stage names and unpinned references stay",
		src:  "FROM base AS tools\nFROM alpine\nCOPY --from=tools /a /a\nCOPY --from=lib /b /b\nRUN --mount=type=bind,from=lib,target=/l true\n",
		pin:  []string{"base", "tools", "lib"},
		want: "FROM " + id + " AS tools\nFROM alpine\nCOPY --from=tools /a /a\nCOPY --from=" + id + " /b /b\nRUN --mount=type=bind,from=" + id + ",target=/l true\n",
	}, {
		name: "the same parent twice",
		src:  "FROM base AS a\nRUN true\nFROM base\n",
		pin:  []string{"base"},
		want: "FROM " + id + " AS a\nRUN true\nFROM " + id + "\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("Dockerfile", []byte(tt.src), tt.args, "")
			if err != nil {
				t.Fatal(err)
			}
			got, err := Pin([]byte(tt.src), f, func(ref string) (string, bool) {
				for _, p := range tt.pin {
					if p == ref {
						return id, true
					}
				}
				return "", false
			})
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			if strings.Count(string(got), "\n") != strings.Count(tt.src, "\n") {
				t.Error("the line count changed")
			}
		})
	}
}
