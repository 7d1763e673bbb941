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
			{Name: "federatedai/base-image:1.0", Line: 2},
			{Name: "python:3.12", Line: 14},
			// BuildKit matches FROM to stage names exactly, so "Python"
			// is an image, not the stage "python".
			{Name: "Python", Line: 15},
		},
		wantCopies:  []Ref{{Name: "federatedai/tools:1.0", Line: 3}, {Name: "nginx", Line: 12}},
		wantMounts:  []Ref{{Name: "federatedai/cache", Line: 8}},
		wantStageNo: 6,
	}, {
		name:        "target build",
		target:      "build",
		wantBases:   []Ref{{Name: "federatedai/base-image:1.0", Line: 2}},
		wantCopies:  []Ref{{Name: "federatedai/tools:1.0", Line: 3}},
		wantMounts:  []Ref{{Name: "federatedai/cache", Line: 8}},
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
			if diff := cmp.Diff(tt.wantBases, f.Bases(), cmpopts.EquateEmpty(), cmpopts.IgnoreFields(Ref{}, "EndLine")); diff != "" {
				t.Errorf("Bases mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCopies, f.CopySources(), cmpopts.EquateEmpty(), cmpopts.IgnoreFields(Ref{}, "EndLine")); diff != "" {
				t.Errorf("CopySources mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantMounts, f.MountSources(), cmpopts.EquateEmpty(), cmpopts.IgnoreFields(Ref{}, "EndLine")); diff != "" {
				t.Errorf("MountSources mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
