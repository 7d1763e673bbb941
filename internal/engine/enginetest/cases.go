package enginetest

import (
	"fmt"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/dockyard-build/dockyard/internal/engine"
)

// testSingleStage checks each instruction's effect on the config and the
// filesystem, the labels and tags of the request, and the result.
func testSingleStage(t *testing.T, s *Suite) {
	dir := t.TempDir()
	WriteFiles(t, dir, map[string]string{
		"hello.txt": "hello from the context\n",
		"Dockerfile": "FROM " + s.Base + "\n" +
			"ARG GREETING=hello\n" +
			"ENV APP_HOME=/opt/app GREETING_ENV=${GREETING}\n" +
			"LABEL org.example.a=\"label a\" org.example.b=b\n" +
			"WORKDIR $APP_HOME/work\n" +
			"COPY hello.txt ./\n" +
			"RUN echo \"$GREETING from $(pwd)\" > ran.txt\n" +
			"RUN echo 'app:x:1234:1234:app:/home/app:/bin/sh' >> /etc/passwd && echo 'app:x:1234:' >> /etc/group \\\n" +
			" && mkdir -p /home/app && chown app:app /home/app\n" +
			"USER app\n" +
			"RUN id -u > /home/app/uid && touch /home/app/mine\n" +
			"EXPOSE 8080\n" +
			"ENTRYPOINT [\"/bin/sh\", \"-c\"]\n" +
			"CMD [\"echo serving\"]\n",
	})
	name := s.Name(t, "image")
	tags := []string{name, name + ":v1", "conformance/" + name + ":t1"}
	res := s.MustBuild(t, engine.Request{
		Image: "single", Dockerfile: filepath.Join(dir, "Dockerfile"), Tags: tags,
		Labels:   map[string]string{"org.example.request": "yes"},
		Platform: runtime.GOOS + "/" + runtime.GOARCH,
	})
	im := Inspect(t, s.Engine, name)
	if res.ID != im.Digest || res.Size <= 0 {
		t.Errorf("result = %+v, want the ID %s (the config's digest) and a size", res, im.Digest)
	}
	for _, tag := range tags[1:] {
		if d := Inspect(t, s.Engine, tag).Digest; d != im.Digest {
			t.Errorf("%s is %s, want %s", tag, d, im.Digest)
		}
	}
	cfg := im.Config.Config
	for _, env := range []string{"APP_HOME=/opt/app", "GREETING_ENV=hello"} {
		if !slices.Contains(cfg.Env, env) {
			t.Errorf("env %q lacks %s", cfg.Env, env)
		}
	}
	labels := map[string]string{"org.example.a": "label a", "org.example.b": "b", "org.example.request": "yes", Label: s.RunID}
	for k, v := range labels {
		if cfg.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, cfg.Labels[k], v)
		}
	}
	check := func(what string, got, want any) {
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("workdir", cfg.WorkingDir, "/opt/app/work")
	check("user", cfg.User, "app")
	check("entrypoint", cfg.Entrypoint, []string{"/bin/sh", "-c"})
	check("cmd", cfg.Cmd, []string{"echo serving"})
	check("exposed ports", len(cfg.ExposedPorts), 1)
	if _, ok := cfg.ExposedPorts["8080/tcp"]; !ok {
		t.Errorf("exposed ports %v lack 8080/tcp", cfg.ExposedPorts)
	}
	check("platform", im.Config.OS+"/"+im.Config.Architecture, runtime.GOOS+"/"+runtime.GOARCH)
	check("copied file", im.Content(t, "/opt/app/work/hello.txt"), "hello from the context\n")
	check("RUN in WORKDIR with ARG", im.Content(t, "/opt/app/work/ran.txt"), "hello from /opt/app/work\n")
	check("RUN as USER", im.Content(t, "/home/app/uid"), "1234\n")
	mine := im.Files["home/app/mine"]
	check("owner of a file made as USER", fmt.Sprint(mine.UID, ":", mine.GID), "1234:1234")
}

// testMultiStageTarget builds a stage with --target, then the last stage.
func testMultiStageTarget(t *testing.T, s *Suite) {
	dir := t.TempDir()
	WriteFiles(t, dir, map[string]string{"Dockerfile": "FROM " + s.Base + " AS build\n" +
		"RUN echo built > /artifact\n" +
		"FROM " + s.Base + " AS test\n" +
		"COPY --from=build /artifact /artifact-seen-by-test\n" +
		"RUN echo tested > /tested\n" +
		"FROM " + s.Base + " AS final\n" +
		"COPY --from=build /artifact /artifact\n" +
		"LABEL stage=final\n"})
	testName, finalName := s.Name(t, "test"), s.Name(t, "final")
	s.MustBuild(t, engine.Request{Image: "target", Dockerfile: filepath.Join(dir, "Dockerfile"), Tags: []string{testName}, Target: "test"})
	s.MustBuild(t, engine.Request{Image: "last", Dockerfile: filepath.Join(dir, "Dockerfile"), Tags: []string{finalName}})

	test := Inspect(t, s.Engine, testName)
	if got := test.Content(t, "/tested") + test.Content(t, "/artifact-seen-by-test"); got != "tested\nbuilt\n" {
		t.Errorf("--target test: /tested and /artifact-seen-by-test hold %q", got)
	}
	if test.Has("/artifact") || test.Config.Config.Labels["stage"] != "" {
		t.Errorf("--target test has the final stage's file or label")
	}
	final := Inspect(t, s.Engine, finalName)
	if final.Content(t, "/artifact") != "built\n" || final.Has("/tested") || final.Config.Config.Labels["stage"] != "final" {
		t.Errorf("the last stage has files %v and labels %v, want /artifact, no /tested, stage=final",
			final.Under("/"), final.Config.Config.Labels)
	}
}

// testBuildArgs passes build args: to a FROM, to an ARG with a default,
// and one no ARG declares, which RUN must not see.
func testBuildArgs(t *testing.T, s *Suite) {
	dir := t.TempDir()
	WriteFiles(t, dir, map[string]string{"Dockerfile": "ARG BASE\nFROM ${BASE}\n" +
		"ARG WHO=nobody\nARG KEPT=default\nENV WHO_ENV=$WHO\n" +
		"RUN echo \"$WHO\" > /who && echo \"$KEPT\" > /kept && echo \"${UNDECLARED:-not seen}\" > /undeclared\n"})
	name := s.Name(t, "image")
	s.MustBuild(t, engine.Request{
		Image: "args", Dockerfile: filepath.Join(dir, "Dockerfile"), Tags: []string{name},
		Args: map[string]string{"BASE": s.Base, "WHO": "somebody", "UNDECLARED": "leaked"},
	})
	im := Inspect(t, s.Engine, name)
	got := im.Content(t, "/who") + im.Content(t, "/kept") + im.Content(t, "/undeclared")
	if want := "somebody\ndefault\nnot seen\n"; got != want {
		t.Errorf("/who, /kept, /undeclared hold %q, want %q", got, want)
	}
	if !slices.Contains(im.Config.Config.Env, "WHO_ENV=somebody") {
		t.Errorf("env %q lacks WHO_ENV=somebody", im.Config.Config.Env)
	}
}

// testCopyFrom copies from an image built before and from a stage.
func testCopyFrom(t *testing.T, s *Suite) {
	parentDir, dir := t.TempDir(), t.TempDir()
	parent := s.Name(t, "parent")
	WriteFiles(t, parentDir, map[string]string{"Dockerfile": "FROM " + s.Base + "\nRUN mkdir /from-parent && echo parent data > /from-parent/data\n"})
	s.MustBuild(t, engine.Request{Image: "parent", Dockerfile: filepath.Join(parentDir, "Dockerfile"), Tags: []string{parent}})
	WriteFiles(t, dir, map[string]string{"Dockerfile": "FROM " + s.Base + " AS stage\nRUN echo from stage > /stage.txt\n" +
		"FROM " + s.Base + "\nCOPY --from=" + parent + " /from-parent/data /copied/parent\n" +
		"COPY --from=stage /stage.txt /copied/stage\n"})
	name := s.Name(t, "child")
	s.MustBuild(t, engine.Request{Image: "child", Dockerfile: filepath.Join(dir, "Dockerfile"), Tags: []string{name}})
	im := Inspect(t, s.Engine, name)
	if got := im.Content(t, "/copied/parent") + im.Content(t, "/copied/stage"); got != "parent data\nfrom stage\n" {
		t.Errorf("copied files hold %q", got)
	}
}

// testDockerignore sends only what .dockerignore keeps, with the
// Dockerfile in an ignored folder of the context.
func testDockerignore(t *testing.T, s *Suite) {
	dir := t.TempDir()
	WriteFiles(t, dir, map[string]string{
		"keep.txt":       "kept",
		"secret.txt":     "secret",
		"logs/a.log":     "log",
		"logs/keep.log":  "kept log",
		".dockerignore":  "secret.txt\nlogs/*.log\n!logs/keep.log\nbuild\n",
		"build/x.docker": "FROM " + s.Base + "\nCOPY . /ctx/\n",
		"build/other.sh": "not sent",
	})
	name := s.Name(t, "image")
	s.MustBuild(t, engine.Request{Image: "ignore", ContextDir: dir, Dockerfile: filepath.Join(dir, "build", "x.docker"), Tags: []string{name}})
	got := Inspect(t, s.Engine, name).Under("/ctx")
	if want := []string{"/ctx/.dockerignore", "/ctx/keep.txt", "/ctx/logs/keep.log"}; !slices.Equal(got, want) {
		t.Errorf("files in the image = %v, want %v", got, want)
	}
}

// testManyFiles copies a context of 10,000 files.
func testManyFiles(t *testing.T, s *Suite) {
	dir := t.TempDir()
	files := map[string]string{}
	for i := range 10_000 {
		files[fmt.Sprintf("d%02d/f%04d.txt", i/100, i)] = fmt.Sprintf("file %d\n", i)
	}
	WriteFiles(t, filepath.Join(dir, "ctx"), files)
	WriteFiles(t, dir, map[string]string{"Dockerfile": "FROM " + s.Base + "\nCOPY . /ctx/\n"})
	name := s.Name(t, "image")
	s.MustBuild(t, engine.Request{Image: "many", ContextDir: filepath.Join(dir, "ctx"), Dockerfile: filepath.Join(dir, "Dockerfile"), Tags: []string{name}})
	im := Inspect(t, s.Engine, name)
	if got := len(im.Under("/ctx")); got != len(files) {
		t.Errorf("the image has %d files under /ctx, want %d", got, len(files))
	}
	for _, i := range []int{0, 4242, 9999} {
		p := fmt.Sprintf("d%02d/f%04d.txt", i/100, i)
		if got := im.Content(t, "/ctx/"+p); got != files[p] {
			t.Errorf("/ctx/%s = %q, want %q", p, got, files[p])
		}
	}
}

// testFailingRun checks that a failing RUN's error names the step and
// carries its output, and that no image is left under the tag.
func testFailingRun(t *testing.T, s *Suite) {
	dir := t.TempDir()
	WriteFiles(t, dir, map[string]string{"Dockerfile": "FROM " + s.Base + "\nRUN echo first line && echo 'it broke' && exit 3\n"})
	name := s.Name(t, "image")
	_, err := s.Build(t, engine.Request{Image: "broken", Dockerfile: filepath.Join(dir, "Dockerfile"), Tags: []string{name}})
	if err == nil {
		t.Fatal("the build succeeded, want an error")
	}
	for _, want := range []string{"building broken: ", "RUN echo first line", "3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q:\n%v", want, err)
		}
	}
	// The output lines, each on a line of its own, unlike in the command.
	if !regexp.MustCompile(`(?m)^\s*first line\n\s*it broke$`).MatchString(err.Error()) {
		t.Errorf("the error lacks the step's output:\n%v", err)
	}
	s.mustNotExist(t, name)
}
