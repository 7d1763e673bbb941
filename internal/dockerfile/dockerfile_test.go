package dockerfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		args   map[string]string
		target string
		want   *File
	}{{
		name: "single stage",
		src:  "FROM alpine:3.20\nRUN apk add git\n",
		want: &File{Stages: []Stage{{Base: "alpine:3.20", Line: 1}}},
	}, {
		name: "FATE base image pattern",
		src:  "ARG PREFIX=federatedai\nARG BASE_TAG=1.0\nFROM ${PREFIX}/base-image:${BASE_TAG}\n",
		want: &File{
			Stages: []Stage{{Base: "federatedai/base-image:1.0", Line: 3}},
			Args:   map[string]string{"PREFIX": "federatedai", "BASE_TAG": "1.0"},
		},
	}, {
		name: "build arg overrides default",
		src:  "ARG PREFIX=federatedai\nARG BASE_TAG=1.0\nFROM ${PREFIX}/base-image:${BASE_TAG}\n",
		args: map[string]string{"BASE_TAG": "2.0"},
		want: &File{
			Stages: []Stage{{Base: "federatedai/base-image:2.0", Line: 3}},
			Args:   map[string]string{"PREFIX": "federatedai", "BASE_TAG": "1.0"},
		},
	}, {
		name: "override feeds later defaults",
		src:  "ARG REG=docker.io\nARG IMAGE=$REG/app\nFROM $IMAGE\n",
		args: map[string]string{"REG": "reg.example:5000"},
		want: &File{
			Stages: []Stage{{Base: "reg.example:5000/app", Line: 3}},
			Args:   map[string]string{"REG": "docker.io", "IMAGE": "$REG/app"},
		},
	}, {
		name: "override beats a default built from other args",
		src:  "ARG REG=docker.io\nARG IMAGE=$REG/app\nFROM $IMAGE\n",
		args: map[string]string{"REG": "ignored", "IMAGE": "mine"},
		want: &File{
			Stages: []Stage{{Base: "mine", Line: 3}},
			Args:   map[string]string{"REG": "docker.io", "IMAGE": "$REG/app"},
		},
	}, {
		name: "ARG without default takes build arg",
		src:  "ARG TAG\nFROM alpine:${TAG}\n",
		args: map[string]string{"TAG": "3.20"},
		want: &File{
			Stages: []Stage{{Base: "alpine:3.20", Line: 2}},
			Args:   map[string]string{"TAG": ""},
		},
	}, {
		name: "undeclared build arg is not visible to FROM",
		src:  "FROM ${IMAGE:-alpine}\n",
		args: map[string]string{"IMAGE": "ubuntu"},
		want: &File{Stages: []Stage{{Base: "alpine", Line: 1}}},
	}, {
		name: "ARG inside a stage is not global",
		src:  "FROM alpine\nARG TAG=1\nFROM app:${TAG:-latest}\n",
		want: &File{Stages: []Stage{{Base: "alpine", Line: 1}, {Index: 1, Base: "app:latest", Line: 3}}, StageArgs: map[string]bool{"TAG": true}},
	}, {
		name: "named stages referencing each other",
		src: `FROM golang:1.22 AS Build
RUN go build -o /app
FROM build AS test
COPY --from=build /app /app
FROM alpine
COPY --from=0 /app /app
COPY --from=BUILD /app /app2
COPY --from=nginx:1.25 /etc/nginx /etc/nginx
`,
		want: &File{Stages: []Stage{
			{Name: "build", Base: "golang:1.22", Line: 1},
			{Name: "test", Index: 1, Base: "build", Line: 3, CopyFrom: []Ref{{Name: "build", Line: 4}}},
			{Index: 2, Base: "alpine", Line: 5, CopyFrom: []Ref{{Name: "0", Line: 6}, {Name: "BUILD", Line: 7}, {Name: "nginx:1.25", Line: 8}}},
		}},
	}, {
		name: "platforms",
		src: `ARG PLAT=linux/s390x
FROM --platform=linux/arm64 a
FROM --platform=$BUILDPLATFORM b
FROM --platform=${PLAT} c
`,
		want: &File{
			Stages: []Stage{
				{Base: "a", Platform: "linux/arm64", Line: 2},
				{Index: 1, Base: "b", Platform: "${BUILDPLATFORM}", Line: 3},
				{Index: 2, Base: "c", Platform: "linux/s390x", Line: 4},
			},
			Args: map[string]string{"PLAT": "linux/s390x"},
		},
	}, {
		name: "platform from build args",
		src:  "FROM --platform=$BUILDPLATFORM tools-${TARGETARCH}\n",
		args: map[string]string{"BUILDPLATFORM": "linux/amd64", "TARGETARCH": "arm64"},
		want: &File{Stages: []Stage{{Base: "tools-arm64", Platform: "linux/amd64", Line: 1}}},
	}, {
		name: "escape directive and continuations",
		src:  "# escape=`\nFROM base AS b\nRUN echo `\n  one `\n  two\nFROM b\nCOPY --from=b C:\\x C:\\y\n",
		want: &File{Stages: []Stage{
			{Name: "b", Base: "base", Line: 2},
			{Index: 1, Base: "b", Line: 6, CopyFrom: []Ref{{Name: "b", Line: 7}}},
		}},
	}, {
		name: "RUN mount from",
		src:  "FROM a\nRUN --mount=type=bind,from=tools,target=/t --mount=type=cache,target=/c make\n",
		want: &File{Stages: []Stage{{Base: "a", Line: 1, MountFrom: []Ref{{Name: "tools", Line: 2}}}}},
	}, {
		name:   "target keeps what it needs",
		src:    pruneSrc,
		target: "release",
		want: &File{Stages: []Stage{
			{Name: "base", Base: "ubuntu:22.04", Line: 1},
			{Name: "tools", Index: 1, Base: "alpine", Line: 2},
			{Name: "build", Index: 2, Base: "base", Line: 3, CopyFrom: []Ref{{Name: "tools", Line: 4}}},
			{Name: "release", Index: 5, Base: "scratch", Line: 8, CopyFrom: []Ref{{Name: "2", Line: 9}}, MountFrom: []Ref{{Name: "cache", Line: 10}}},
			{Name: "cache", Index: 6, Base: "busybox", Line: 11},
		}},
	}, {
		name:   "target is case-insensitive",
		src:    pruneSrc,
		target: "TEST",
		want: &File{Stages: []Stage{
			{Name: "base", Base: "ubuntu:22.04", Line: 1},
			{Name: "tools", Index: 1, Base: "alpine", Line: 2},
			{Name: "build", Index: 2, Base: "base", Line: 3, CopyFrom: []Ref{{Name: "tools", Line: 4}}},
			{Name: "test", Index: 3, Base: "build", Line: 5},
		}},
	}, {
		name:   "target needing nothing",
		src:    pruneSrc,
		target: "tools",
		want:   &File{Stages: []Stage{{Name: "tools", Index: 1, Base: "alpine", Line: 2}}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("Dockerfile", []byte(tt.src), tt.args, tt.target)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(Stage{}, "BaseRaw", "EndLine"), cmpopts.IgnoreFields(Ref{}, "EndLine")); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// pruneSrc has stages a target may or may not need.
const pruneSrc = `FROM ubuntu:22.04 AS base
FROM alpine AS tools
FROM base AS build
COPY --from=tools /bin/tool /bin/tool
FROM build AS test
FROM node AS docs
COPY --from=docs-tools /x /x
FROM scratch AS release
COPY --from=2 /app /app
RUN --mount=from=cache,target=/c true
FROM busybox AS cache
`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		args   map[string]string
		target string
		want   *Error
	}{
		{"empty", " \n\n", nil, "", &Error{Msg: "empty Dockerfile"}},
		{"only comments", "# hello\n", nil, "", &Error{Line: 1, Msg: "file with no instructions"}},
		{"no FROM", "ARG A=1\n", nil, "", &Error{Msg: "no FROM instruction"}},
		{"instruction before FROM", "ARG A=1\nRUN true\nFROM a\n", nil, "", &Error{Line: 2, Msg: "no build stage in current context"}},
		{"unknown instruction", "FROM a\n\nFORM b\n", nil, "", &Error{Line: 3, Msg: "unknown instruction: FORM (did you mean FROM?)"}},
		{"bad stage name", "FROM a\nFROM b AS 1st\n", nil, "", &Error{Line: 2, Msg: `invalid name for build stage: "1st", name can't start with a number or contain symbols`}},
		{"FROM arguments", "FROM a b\n", nil, "", &Error{Line: 1, Msg: "FROM requires either one or three arguments"}},
		{"unterminated heredoc", "FROM a\nRUN <<EOF\necho\n", nil, "", &Error{Line: 2, Msg: "unterminated heredoc"}},
		// BuildKit reports directive errors one line early.
		{"bad escape directive", "# escape=x\nFROM a\n", nil, "", &Error{Msg: "invalid escape token 'x' does not match ` or \\"}},
		{
			"FROM expands to empty", "ARG PREFIX\nARG BASE_IMAGE=${PREFIX}\nFROM ${BASE_IMAGE}\n", nil, "",
			&Error{Line: 3, Msg: "FROM ${BASE_IMAGE} expands to an empty name; set build arg BASE_IMAGE"},
		},
		{
			"FROM overridden to empty", "ARG BASE_IMAGE=base\nFROM $BASE_IMAGE\n", map[string]string{"BASE_IMAGE": ""}, "",
			&Error{Line: 2, Msg: "FROM $BASE_IMAGE expands to an empty name; set build arg BASE_IMAGE"},
		},
		{
			"FROM with undeclared arg", "FROM a\nFROM ${BASE_IMAGE}\n", map[string]string{"BASE_IMAGE": "b"}, "",
			&Error{Line: 2, Msg: "FROM ${BASE_IMAGE} expands to an empty name; declare ARG BASE_IMAGE before the first FROM"},
		},
		{
			"FROM with bad expansion", "FROM ${A:?set_A}\n", nil, "",
			&Error{Line: 1, Msg: `FROM: failed to process "${A:?set_A}": A: set_A`},
		},
		{
			"ARG with bad expansion", "ARG A=${B:?set_B}\nFROM a\n", nil, "",
			&Error{Line: 1, Msg: `ARG A: failed to process "${B:?set_B}": B: set_B`},
		},
		{
			"platform expands to empty", "ARG P\nFROM --platform=${P} a\n", nil, "",
			&Error{Line: 2, Msg: "FROM --platform=${P} expands to an empty platform; set build arg P"},
		},
		{
			"COPY --from variable", "ARG IMG=a\nFROM a\nCOPY --from=${IMG} /a /b\n", nil, "",
			&Error{Line: 3, Msg: "COPY --from=${IMG}: BuildKit does not expand variables in --from; add a stage FROM ${IMG} AS <name> and copy from <name>"},
		},
		{
			"COPY --from bad index", "FROM a\nFROM b\nCOPY --from=2 /a /b\n", nil, "",
			&Error{Line: 3, Msg: "COPY --from=2: no stage with index 2; the Dockerfile has 2 stages"},
		},
		{
			"COPY from itself", "FROM a\nCOPY --from=0 /a /b\n", nil, "",
			&Error{Line: 1, Msg: "circular dependency: stage 0 needs itself"},
		},
		{
			"stages copying from each other", "FROM a AS x\nCOPY --from=y /a /b\nFROM b AS y\nCOPY --from=x /a /b\n", nil, "",
			&Error{Line: 1, Msg: `circular dependency: stage "x" needs itself`},
		},
		{
			"unknown target", "FROM a AS build\nFROM build AS test\n", nil, "release",
			&Error{Msg: `target stage "release" not found; stages: build, test`},
		},
		{
			"target without named stages", "FROM a\n", nil, "build",
			&Error{Msg: `target stage "build" not found; the Dockerfile has no named stages`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("app/Dockerfile", []byte(tt.src), tt.args, tt.target)
			got, ok := err.(*Error)
			if !ok {
				t.Fatalf("Parse error = %#v, want *Error", err)
			}
			tt.want.File = "app/Dockerfile"
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{File: "a/Dockerfile", Line: 3, Msg: "bad"}, "a/Dockerfile:3: bad"},
		{&Error{File: "a/Dockerfile", Msg: "bad"}, "a/Dockerfile: bad"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestDeclares(t *testing.T) {
	f, err := Parse("Dockerfile", []byte("ARG GLOBAL=1\nFROM scratch\nARG IN_STAGE\nARG A=1 B=2\n"), nil, "")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"GLOBAL": true, "IN_STAGE": true, "A": true, "B": true, "OTHER": false} {
		if got := f.Declares(name); got != want {
			t.Errorf("Declares(%q) = %v, want %v", name, got, want)
		}
	}
}
