package docker

import (
	"errors"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/dockyard-build/dockyard/internal/engine"
	"github.com/dockyard-build/dockyard/internal/engine/enginetest"
)

func TestBuildChildOfLocalBase(t *testing.T) {
	forEachBuilder(t, func(t *testing.T, e *Engine) {
		base := baseImage(t, e)
		dir := t.TempDir()
		enginetest.WriteFiles(t, dir, map[string]string{
			"Dockerfile": "FROM " + base + "\nARG MSG=unset\nRUN echo \"msg is $MSG\" && echo \"$MSG\" > /msg\n",
		})
		name := uniqueName(t)
		tags := []string{name, name + ":v1"}
		res, logs, err := buildImage(t, e, engine.Request{
			Dockerfile: filepath.Join(dir, "Dockerfile"),
			Tags:       tags,
			Args:       map[string]string{"MSG": "hello"},
			Labels:     map[string]string{"org.dockyard.test": "yes"},
		})
		if err != nil {
			t.Fatalf("%v\n%s", err, logs)
		}
		if !strings.HasPrefix(res.ID, "sha256:") || res.Size <= 0 {
			t.Errorf("result = %+v, want an ID and a size", res)
		}
		if !strings.Contains(logs, "msg is hello") {
			t.Errorf("logs lack the RUN output:\n%s", logs)
		}
		img, err := e.api.ImageInspect(t.Context(), res.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := img.Config.Labels["org.dockyard.test"]; got != "yes" {
			t.Errorf("label = %q, want yes", got)
		}
		for _, tag := range []string{name + ":latest", name + ":v1"} {
			if !slices.Contains(img.RepoTags, tag) {
				t.Errorf("tags %v lack %s", img.RepoTags, tag)
			}
		}
		if got := run(t, name, "cat", "/msg"); got != "hello\n" {
			t.Errorf("/msg = %q, want hello", got)
		}
	})
}

// TestBuildTarget also sets the platform and disables the cache, which
// changes nothing here but must be accepted.
func TestBuildTarget(t *testing.T) {
	forEachBuilder(t, func(t *testing.T, e *Engine) {
		base := baseImage(t, e)
		dir := t.TempDir()
		enginetest.WriteFiles(t, dir, map[string]string{
			"Dockerfile": "FROM " + base + " AS first\nRUN echo first > /stage\n" +
				"FROM first AS second\nRUN echo second > /stage\n",
		})
		name := uniqueName(t)
		_, logs, err := buildImage(t, e, engine.Request{
			Dockerfile: filepath.Join(dir, "Dockerfile"),
			Tags:       []string{name},
			Target:     "first",
			Platform:   runtime.GOOS + "/" + runtime.GOARCH,
			NoCache:    true,
		})
		if err != nil {
			t.Fatalf("%v\n%s", err, logs)
		}
		if got := run(t, name, "cat", "/stage"); got != "first\n" {
			t.Errorf("/stage = %q, want first", got)
		}
	})
}

func TestBuildDockerignore(t *testing.T) {
	tests := []struct {
		name       string
		dockerfile string // relative to the context, or outside it with ../
	}{
		{"dockerfile ignored inside context", "build/x.dockerfile"},
		{"dockerfile outside context", "../elsewhere/x.dockerfile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachBuilder(t, func(t *testing.T, e *Engine) {
				base := baseImage(t, e)
				root := t.TempDir()
				ctxDir := filepath.Join(root, "src", "c")
				enginetest.WriteFiles(t, ctxDir, map[string]string{
					"keep.txt":       "kept",
					"secret.txt":     "secret",
					"logs/a.log":     "log",
					"logs/keep.log":  "kept log",
					".dockerignore":  "secret.txt\nlogs/*.log\n!logs/keep.log\nbuild\n",
					tt.dockerfile:    "FROM " + base + "\nCOPY . /ctx/\n",
					"build/other.sh": "not sent",
				})
				name := uniqueName(t)
				dockerfile := filepath.Join(ctxDir, tt.dockerfile)
				_, logs, err := buildImage(t, e, engine.Request{
					ContextDir: ctxDir,
					Dockerfile: dockerfile,
					Tags:       []string{name},
				})
				if err != nil {
					t.Fatalf("%v\n%s", err, logs)
				}
				got := strings.Fields(run(t, name, "find", "/ctx", "-type", "f"))
				slices.Sort(got)
				// The Dockerfile is not among them, ignored or outside, as
				// with docker build.
				want := []string{"/ctx/.dockerignore", "/ctx/keep.txt", "/ctx/logs/keep.log"}
				if !slices.Equal(got, want) {
					t.Errorf("files in the image = %v, want %v", got, want)
				}
			})
		})
	}
}

func TestBuildFailingStep(t *testing.T) {
	forEachBuilder(t, func(t *testing.T, e *Engine) {
		base := baseImage(t, e)
		dir := t.TempDir()
		enginetest.WriteFiles(t, dir, map[string]string{
			"Dockerfile": "FROM " + base + "\nRUN echo first line && echo 'it broke' && exit 3\n",
		})
		_, logs, err := buildImage(t, e, engine.Request{
			Image:      "broken",
			Dockerfile: filepath.Join(dir, "Dockerfile"),
			Tags:       []string{uniqueName(t)},
		})
		if err == nil {
			t.Fatalf("build succeeded, want an error\n%s", logs)
		}
		var step *engine.StepError
		if !errors.As(err, &step) {
			t.Fatalf("error %v is not a StepError", err)
		}
		for _, want := range []string{"building broken: ", "RUN echo first line", "\n  first line\n  it broke", "3"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q:\n%v", want, err)
			}
		}
	})
}
