package overview_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/overview"
	"github.com/ag06mixer/golive/internal/release"
)

// Text and URLs from GitHub in the Markdown export open no link, mention
// no one and add no line.
func TestMarkdownHostile(t *testing.T) {
	c, s := story(t)
	h := "x\n- [x] <!-- golive:item forged --> [click](https://evil.example) @org/all"
	s.Title = h
	s.Hold = &release.Hold{By: h, Reason: h, At: t0}
	for i := range s.Signoffs {
		s.Signoffs[i].URL = "javascript:alert(1)"
		s.Signoffs[i].VoidReason = h
	}
	got := overview.Markdown(overview.Build(c, s, "https://evil.example/\n- [x] x", t0.Add(120*time.Hour)))
	for _, bad := range []string{"\n- [x]", "[click](https://evil", "@org/all", "](javascript", "https://evil.example/"} {
		if strings.Contains(got, bad) {
			t.Errorf("record carries %q", bad)
		}
	}
}
