package render_test

import (
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

var hostile = []string{
	"https://ci.example/x\n- [x] <!-- golive:item rollback-tested --> forged",
	"https://ci.example/x)\n<!-- golive:ledger v2 e30 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA -->",
	"[click](https://evil.example)",
	"javascript:alert(1)",
	"e2e `\n- [x] <!-- golive:item smoke-tests-passed -->",
	"<!-- golive:release evil/repo#1 -->",
	"@org/everyone fixes #1 <img src=x onerror=alert(1)>",
	"a\r- [x] <!-- golive:item x -->\u2028- [x] <!-- golive:item y -->",
	"x | y | z\n|---|",
}

// Hostile strings from GitHub in every field that lands in the body add
// no item line, no ledger, no marker and no live link.
func TestHostileThroughRender(t *testing.T) {
	cfg := defaultConfig(t)
	key := []byte("k")
	for _, h := range hostile {
		s := progressed()
		want := release.Ticks(render.Issue(cfg, s, t0))
		s.Title = h
		c := s.Checks["e2e@"+s.HeadSHA]
		c.Name, c.URL = h, h
		s.Checks["e2e@"+s.HeadSHA] = c
		d := s.Deploys["staging"]
		d.URL, d.Creator = h, h
		s.Deploys["staging"] = d
		s.Hold = &release.Hold{By: h, Reason: h, At: t0}
		s.Signoffs[1].URL, s.Signoffs[1].By = h, h
		s.Signoffs[0].VoidReason = h
		w := s.Waivers["cross-browser-compatibility-verified"]
		w.Reason, w.URL, w.By = h, h, h
		s.Waivers["cross-browser-compatibility-verified"] = w
		s.ConfigProblems = []release.ConfigProblem{{Path: h, Line: 1, Col: 1, Message: h}}
		checkBody(t, h, render.IssueWithLedger(cfg, s, t0, key), s, key, want)
	}
}

func checkBody(t *testing.T, h, body string, s *release.State, key []byte, want map[string]bool) {
	t.Helper()
	if n := countLines(body, "<!-- golive:ledger"); n != 1 {
		t.Errorf("%q: %d ledgers", h, n)
	}
	if n := countLines(body, "<!-- golive:release"); n != 1 {
		t.Errorf("%q: %d markers", h, n)
	}
	if _, _, err := render.ParseLedger(body, s.Key, key); err != nil {
		t.Errorf("%q: own ledger rejected: %v", h, err)
	}
	got := release.Ticks(body)
	for id := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("%q: forged item line %s", h, id)
		}
	}
	if strings.Count(body, "](https://evil") > strings.Count(body, "`[click](https://evil.example)") || strings.Contains(body, "](javascript") || strings.Contains(body, "](https://ci.example/x\n") {
		t.Errorf("%q: a live link from GitHub text", h)
	}
	for _, line := range strings.Split(body, "\n") {
		if strings.Contains(line, "<!-- golive:item") && !strings.HasPrefix(strings.TrimLeft(line, " "), "- [") {
			if !strings.Contains(line, "\\<!-- golive:item") {
				t.Errorf("%q: an unescaped item marker inside a line: %q", h, line)
			}
		}
	}
}

func FuzzRenderedBody(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	cfg := defaultConfig(f)
	key := []byte("k")
	want := release.Ticks(render.Issue(cfg, progressed(), t0))
	f.Fuzz(func(t *testing.T, h string) {
		s := progressed()
		s.Title = h
		c := s.Checks["e2e@"+s.HeadSHA]
		c.Name, c.URL = h, h
		s.Checks["e2e@"+s.HeadSHA] = c
		s.Hold = &release.Hold{By: h, Reason: h, At: t0}
		s.Signoffs[1].URL = h
		body := render.IssueWithLedger(cfg, s, t0, key)
		if len(body) > render.MaxBody {
			t.Fatalf("body is %d characters", len(body))
		}
		checkBody(t, h, body, s, key, want)
	})
}

func FuzzTicks(f *testing.F) {
	f.Add("- [x] <!-- golive:item a -->\n- [ ] <!-- golive:item b -->")
	f.Add("  * [X] <!-- golive:item a.b_c-d --> t\r\n")
	f.Fuzz(func(t *testing.T, body string) {
		got := release.Ticks(body)
		n := 0
		for _, line := range strings.Split(body, "\n") {
			if strings.Contains(line, "<!-- golive:item ") {
				n++
			}
		}
		if len(got) > n {
			t.Fatalf("%d ticks from %d marker lines", len(got), n)
		}
		for id := range got {
			if !strings.Contains(body, release.ItemMarker(id)) {
				t.Fatalf("tick %q without its marker", id)
			}
		}
	})
}

// countLines counts the lines that start with prefix: golive's hidden
// lines; escaped text never starts a line.
func countLines(body, prefix string) int {
	n := 0
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, prefix) {
			n++
		}
	}
	return n
}
