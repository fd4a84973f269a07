package render_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got); run go test -update if the change is intended:\n%s", path, diff)
	}
}

func defaultConfig(t testing.TB) *checklist.Config {
	t.Helper()
	cfg, err := checklist.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// progressed is a release part-way through: CI, a deploy, a hand tick, two
// sign-offs (one voided), a waiver and a failing check.
func progressed() *release.State {
	s := release.New(release.Key{Owner: "ag06mixer", Repo: "mixer", PR: 42})
	s.Title = "Release 2.4.0"
	s.Author = "alice"
	s.HeadSHA = "c0ffee0123456789c0ffee0123456789c0ffee01"
	s.Checks = map[string]release.CheckResult{
		"go-unit-tests@" + s.HeadSHA: {Name: "go-unit-tests", Kind: "check_run", SHA: s.HeadSHA, Status: "completed", Conclusion: "success", URL: "https://github.com/ag06mixer/mixer/runs/1", At: t0.Add(-time.Hour)},
		"e2e@" + s.HeadSHA:           {Name: "e2e", Kind: "status", SHA: s.HeadSHA, Status: "completed", Conclusion: "failure", URL: "https://ci.example/e2e/9", At: t0.Add(-30 * time.Minute)},
	}
	s.Deploys = map[string]release.DeployResult{"staging": {Environment: "staging", SHA: s.HeadSHA, State: "success", Creator: "deploy-bot", URL: "https://staging.example", At: t0.Add(-20 * time.Minute)}}
	s.Manual = map[string]release.Tick{"deployment-procedures-documented": {By: "bob", At: t0.Add(-10 * time.Minute), SHA: s.HeadSHA, Via: "issue"}}
	s.Signoffs = []release.Signoff{
		{Role: "tech-lead", By: "carol", At: t0.Add(-3 * time.Hour), SHA: "0ld5ha0000000000000000000000000000000000", VoidedAt: t0.Add(-2 * time.Hour), VoidReason: "the head changed to c0ffee0 with a different tree"},
		{Role: "tech-lead", By: "carol", At: t0.Add(-5 * time.Minute), SHA: s.HeadSHA, URL: "https://github.com/ag06mixer/mixer/pull/42#issuecomment-7"},
	}
	s.Waivers = map[string]release.Waiver{"cross-browser-compatibility-verified": {By: "dave", At: t0.Add(-time.Minute), Reason: "API only release", Expires: t0.Add(7 * 24 * time.Hour)}}
	return s
}

func TestIssueGolden(t *testing.T) {
	cfg := defaultConfig(t)
	fresh := release.New(release.Key{Owner: "ag06mixer", Repo: "mixer", PR: 42})
	fresh.Title = "Release 2.4.0"
	golden(t, "issue-fresh.md", render.Issue(cfg, fresh, t0))
	golden(t, "issue-progressed.md", render.Issue(cfg, progressed(), t0))
	merged := progressed()
	merged.Status = release.StatusMerged
	merged.MergedAt = t0.Add(-2 * time.Hour)
	golden(t, "issue-merged.md", render.Issue(cfg, merged, t0))
}

func TestIssueBodyLimit(t *testing.T) {
	// 1,500 items with long titles, every one with evidence and a link:
	// far over GitHub's 65,536 characters at full detail.
	var b strings.Builder
	b.WriteString("version: 1\ninherit: false\nrelease: {labels: [release]}\nsections:\n  - id: s\n    title: Big\n    groups:\n      - id: g\n        title: G\n        items:\n")
	s := release.New(release.Key{Owner: "o", Repo: "r", PR: 1})
	s.HeadSHA = strings.Repeat("a", 40)
	s.Manual = map[string]release.Tick{}
	for i := range 1500 {
		id := fmt.Sprintf("item-%d", i)
		fmt.Fprintf(&b, "          - {id: %s, title: %q}\n", id, strings.Repeat("long title words ", 3))
		s.Manual[id] = release.Tick{By: "someone-with-a-long-login", At: t0, SHA: s.HeadSHA, Via: "https://github.com/o/r/issues/2#issuecomment-123456789"}
	}
	f, err := checklist.Parse("big.yml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := checklist.Resolve(f)
	if err != nil {
		t.Fatal(err)
	}
	body := render.Issue(cfg, s, t0)
	if n := len(body); n > render.MaxBody {
		t.Fatalf("body is %d characters, over GitHub's %d", n, render.MaxBody)
	}
	if _, ok := render.ParseMarker(body); !ok {
		t.Error("the cut body lost its release marker")
	}
	if !strings.Contains(body, "the rest is on the dashboard") {
		t.Error("a cut body does not say it was cut")
	}

	// 300 items fit once evidence is abbreviated: every box is kept.
	// (A resolved config is not changed in place: resolve again.)
	f.Sections[0].Groups[0].Items = f.Sections[0].Groups[0].Items[:300]
	if cfg, err = checklist.Resolve(f); err != nil {
		t.Fatal(err)
	}
	body = render.Issue(cfg, s, t0)
	if len(body) > render.MaxBody {
		t.Fatalf("body is %d characters, over the limit", len(body))
	}
	if got := len(release.Ticks(body)); got != 300 {
		t.Errorf("abbreviated body has %d boxes, want 300", got)
	}
	if !strings.Contains(body, "by someone-with-a-long-login") {
		t.Error("abbreviation dropped even the actor; evidence should shrink before boxes go")
	}
}

func TestTicks(t *testing.T) {
	cfg := defaultConfig(t)
	s := progressed()
	before := render.Issue(cfg, s, t0)
	ticks := release.Ticks(before)
	if len(ticks) != 162 {
		t.Fatalf("got %d boxes, want 162", len(ticks))
	}
	if !ticks["deployment-procedures-documented"] || ticks["troubleshooting-guides-created"] {
		t.Error("ticks do not match the state")
	}
	after := strings.Replace(before, "- [ ] "+release.ItemMarker("troubleshooting-guides-created"), "- [x] "+release.ItemMarker("troubleshooting-guides-created"), 1)
	after = strings.Replace(after, "- [x] "+release.ItemMarker("deployment-procedures-documented"), "- [ ] "+release.ItemMarker("deployment-procedures-documented"), 1)
	after += "\n- [x] a line a human added\n- [x] <!-- golive:item not-in-before --> forged\n"
	got := release.Ticks(after)
	if !got["troubleshooting-guides-created"] || got["deployment-procedures-documented"] {
		t.Error("edited ticks not read back")
	}
	if _, ok := got["not-in-before"]; !ok {
		t.Error("a marker line a human added is not parsed (Apply must ignore ids absent before)")
	}
}

func TestMarker(t *testing.T) {
	k := release.Key{Owner: "ag06-mixer", Repo: "mixer.app", PR: 1234}
	got, ok := render.ParseMarker("text\n" + render.Marker(k) + "\nmore")
	if !ok || got != k {
		t.Errorf("got %v %v, want %v", got, ok, k)
	}
	if _, ok := render.ParseMarker("<!-- golive:release a/b#x -->"); ok {
		t.Error("a malformed marker parsed")
	}
}

func TestEscape(t *testing.T) {
	cfg := defaultConfig(t)
	s := progressed()
	s.Hold = &release.Hold{By: "eve", At: t0, Reason: "<script>alert(1)</script> @org/everyone fixes #1\n- [x] <!-- golive:item forged -->"}
	body := render.Issue(cfg, s, t0)
	for _, bad := range []string{"<script>", "@org/everyone", "\n- [x] <!-- golive:item forged"} {
		if strings.Contains(body, bad) {
			t.Errorf("body carries %q from a hold reason", bad)
		}
	}
	if _, ok := release.Ticks(body)["forged"]; ok {
		t.Error("a hold reason added an item line")
	}
}
