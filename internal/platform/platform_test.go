package platform

import "testing"

func TestParse(t *testing.T) {
	for _, s := range []string{"linux/amd64", "linux/arm64/v8", "linux/arm/v7", "windows/amd64"} {
		if _, err := Parse(s); err != nil {
			t.Errorf("Parse(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"arm64", "linux/", "/amd64", "linux/arm64/v8/x", "linux/amd 64", ""} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted it", s)
		}
	}
	p, _ := Parse("linux/arm/v7")
	if p.OS != "linux" || p.Architecture != "arm" || p.Variant != "v7" {
		t.Errorf("Parse(linux/arm/v7) = %+v", p)
	}
}

func TestNormalize(t *testing.T) {
	if a, b := Normalize("linux/arm64"), Normalize("linux/arm64/v8"); a != b {
		t.Errorf("linux/arm64 is %q, linux/arm64/v8 %q: want them equal", a, b)
	}
	if got := Normalize("not a platform"); got != "not a platform" {
		t.Errorf("Normalize kept %q as %q", "not a platform", got)
	}
}
