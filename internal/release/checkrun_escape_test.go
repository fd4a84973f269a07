package release

import (
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
)

func TestCheckRunEscapesAndFits(t *testing.T) {
	cfg, err := checklist.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	s := New(Key{Owner: "o", Repo: "r", PR: 1})
	s.HeadSHA = "abc"
	h := "x\n- [x] <!-- golive:item forged --> [click](https://evil.example) @org/all"
	s.Hold = &Hold{By: h, Reason: h, At: at}
	name := "sast` [click](https://evil.example) `x"
	s.Checks = map[string]CheckResult{"sast` [click](https://evil.example) `x@abc": {Name: name, SHA: "abc", Status: "completed", Conclusion: "failure", At: at}}
	c := CheckRunFor(cfg, s, Evaluate(cfg, s, at), "javascript:alert(1)\nhttps://evil.example")
	// A check name holding backticks breaks out of its code span only
	// into escaped text.
	if !strings.Contains(c.Summary, "\\[click\\]") {
		t.Errorf("check name not escaped:\n%s", c.Summary)
	}
	for _, bad := range []string{"\n- [x] <!--", "[click](https://evil", "@org/all", "javascript:"} {
		if strings.Contains(c.Summary, bad) {
			t.Errorf("summary carries %q:\n%s", bad, c.Summary)
		}
	}
	if strings.Contains(c.Title, "\n") {
		t.Errorf("title has a new line: %q", c.Title)
	}
	long := strings.Repeat(strings.Repeat("y", 99)+"\n", 2000)
	if got := capSummary(long); len(got) > MaxSummary || !strings.HasSuffix(got, "tracking issue.\n") {
		t.Errorf("capped summary is %d characters", len(got))
	}
	if got := capSummary("short"); got != "short" {
		t.Errorf("short summary changed: %q", got)
	}
}
