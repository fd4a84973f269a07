package checklist

import (
	"strings"
	"testing"
)

// nameGlobSlow is NameGlob's general path, which the '*'-only fast path
// must agree with.
func nameGlobSlow(pattern, s string) bool {
	const unit = "\x1f"
	return Glob(strings.ReplaceAll(pattern, "/", unit), strings.ReplaceAll(s, "/", unit))
}

var nameGlobCases = []struct {
	pattern, name string
	want          bool
}{
	{"*unit*", "CI / unit (push)", true},
	{"*unit*", "CI / e2e (push)", false},
	{"unit", "unit", true},
	{"unit", "units", false},
	{"unit*", "unit", true},
	{"*", "", true},
	{"", "", true},
	{"", "a", false},
	{"a*b*c", "a/x/b/y/c", true},
	{"a*b*c", "a/x/b/y/cd", false},
	{"a*b*c*", "abcabc", true},
	{"*ab", "aab", true},
	{"*aab", "aaab", true},
	{"CI / *", "CI / unit", true},
	{"CI / *", "CI \x1f unit", true},
	{"CI \x1f *", "CI / unit", true},
	{"**", "x/y", true},
	{"é*", "été", true},
	{"*é", "ét", false},
	{"ci / unit [0-9]*", "ci / unit 7", true},
	{"ci / unit ?", "ci / unit 7", true},
	{"ci / unit ?", "ci / unit /", true},
	{"bad[", "bad[", false},
}

func TestNameGlob(t *testing.T) {
	for _, c := range nameGlobCases {
		if got := NameGlob(c.pattern, c.name); got != c.want {
			t.Errorf("NameGlob(%q, %q) = %v, want %v", c.pattern, c.name, got, c.want)
		}
		if got, slow := NameGlob(c.pattern, c.name), nameGlobSlow(c.pattern, c.name); got != slow {
			t.Errorf("NameGlob(%q, %q) = %v, the general path says %v", c.pattern, c.name, got, slow)
		}
	}
}

func TestNameGlobStarOnlyAllocatesNothing(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { NameGlob("*unit*", "CI / unit (push)") }); n != 0 {
		t.Errorf("a '*'-only match allocates %v times, want 0", n)
	}
}

func FuzzNameGlob(f *testing.F) {
	for _, c := range nameGlobCases {
		f.Add(c.pattern, c.name)
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		if len(pattern) > 64 || len(name) > 256 {
			return
		}
		if got, want := NameGlob(pattern, name), nameGlobSlow(pattern, name); got != want {
			t.Fatalf("NameGlob(%q, %q) = %v, the general path says %v", pattern, name, got, want)
		}
	})
}
