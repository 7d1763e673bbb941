package buildkit

import (
	"slices"
	"testing"
)

func TestHoldsWord(t *testing.T) {
	text := "FROM base\nCOPY --from=tools:v2 /x /x\nFROM reg.example:5000/ns/app AS a\n"
	for _, c := range []struct {
		ref  string
		want bool
	}{
		{"base", true}, {"tools:v2", true}, {"tools", false}, {"reg.example:5000/ns/app", true},
		{"ns/app", false}, {"app", false}, {"bas", false},
	} {
		if got := holdsWord(text, c.ref); got != c.want {
			t.Errorf("holdsWord(%q) = %t, want %t", c.ref, got, c.want)
		}
	}
}

func TestScanMounts(t *testing.T) {
	m := scanMounts([]byte("FROM x\nRUN --mount=type=secret,id=token cat /run/secrets/token\n" +
		"RUN --mount=type=ssh git clone x\nRUN --mount=type=ssh,id=deploy true\nRUN --mount=type=cache,target=/c true\n"))
	if !m.secrets || !slices.Equal(m.ssh, []string{"default", "deploy"}) {
		t.Errorf("scanMounts = %+v, want secrets and ssh [default deploy]", m)
	}
	if m := scanMounts([]byte("FROM x\nRUN true\n")); m.secrets || len(m.ssh) > 0 {
		t.Errorf("scanMounts of a Dockerfile without mounts = %+v", m)
	}
}
