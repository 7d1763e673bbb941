package dockerfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// refsSrc uses images, stages by name and by index, and repeats itself.
const refsSrc = `ARG PREFIX=federatedai
FROM ${PREFIX}/base-image:1.0 AS base
COPY --from=federatedai/tools:1.0 /t /t
FROM base AS build
COPY --from=base /a /a
COPY --from=0 /a /b
COPY --from=federatedai/tools:1.0 /t /t2
RUN --mount=from=federatedai/cache,target=/c --mount=from=BASE,target=/b make
FROM scratch AS empty
FROM ${PREFIX}/base-image:1.0
COPY --from=Build /app /app
COPY --from=nginx /etc/nginx /etc/nginx
RUN --mount=from=federatedai/cache,target=/c true
FROM python:3.12 AS Python
FROM Python
`

func TestRefs(t *testing.T) {
	tests := []struct {
		name        string
		target      string
		wantBases   []Ref
		wantCopies  []Ref
		wantMounts  []Ref
		wantStageNo int
	}{{
		name: "all stages",
		wantBases: []Ref{
			{"federatedai/base-image:1.0", 2},
			{"python:3.12", 14},
			// BuildKit matches FROM to stage names exactly, so "Python"
			// is an image, not the stage "python".
			{"Python", 15},
		},
		wantCopies:  []Ref{{"federatedai/tools:1.0", 3}, {"nginx", 12}},
		wantMounts:  []Ref{{"federatedai/cache", 8}},
		wantStageNo: 6,
	}, {
		name:        "target build",
		target:      "build",
		wantBases:   []Ref{{"federatedai/base-image:1.0", 2}},
		wantCopies:  []Ref{{"federatedai/tools:1.0", 3}},
		wantMounts:  []Ref{{"federatedai/cache", 8}},
		wantStageNo: 2,
	}, {
		name:        "target scratch stage",
		target:      "empty",
		wantStageNo: 1,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("Dockerfile", []byte(refsSrc), nil, tt.target)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(f.Stages) != tt.wantStageNo {
				t.Errorf("kept %d stages, want %d", len(f.Stages), tt.wantStageNo)
			}
			if diff := cmp.Diff(tt.wantBases, f.Bases(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Bases mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCopies, f.CopySources(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("CopySources mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantMounts, f.MountSources(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("MountSources mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRepoName(t *testing.T) {
	tests := []struct {
		ref  string
		want string
	}{
		{"reg.example:5000/ns/base-image:1.0@sha256:abc", "base-image"},
		{"reg.example:5000/ns/base-image", "base-image"},
		{"reg.example:5000/base-image@sha256:abc", "base-image"},
		{"base-image", "base-image"},
		{"ubuntu:22.04", "ubuntu"},
		{"docker.io/library/ubuntu", "ubuntu"},
		{"federatedai/Base-Image:1.0", "base-image"},
		{"localhost:5000/app", "app"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := RepoName(tt.ref); got != tt.want {
			t.Errorf("RepoName(%q) = %q, want %q", tt.ref, got, tt.want)
		}
	}
}
