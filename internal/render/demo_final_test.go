package render_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// demoConfig is the checklist of `golive demo`: the built-in one under a
// repo file that sets vars.base_url (vars.host stays unset).
func demoConfig(t testing.TB) *checklist.Config {
	t.Helper()
	def, err := checklist.Default()
	if err != nil {
		t.Fatal(err)
	}
	repo, err := checklist.Parse(".github/golive.yml", []byte("version: 1\nvars:\n  base_url: \"https://shop.example\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := checklist.Resolve(def, repo)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// demoFinal is the release at the end of `golive demo`, built as the demo
// plays it: every pre-merge check passed on the head, staging deployed,
// the probes vars.base_url configures passing, every hand item ticked by
// adam in one comment (one by rita in the issue), the probes vars.host
// would configure waived for a week, five sign-offs, two voided by a
// push, and the PR merged a minute ago: the windows have just opened.
func demoFinal(t testing.TB, cfg *checklist.Config) (*release.State, time.Time) {
	t.Helper()
	const head = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b"
	merged := time.Date(2026, 12, 2, 10, 31, 0, 0, time.UTC)
	s := release.New(release.Key{Owner: "acme", Repo: "shop", PR: 42})
	s.Title, s.Author, s.HeadSHA, s.HeadTree, s.LastPusher = "Release 2.4.0", "carol", head, "tree-"+head, "carol"
	s.OpenedAt, s.Status, s.MergedAt, s.Issue = merged.Add(-12*24*time.Hour), release.StatusMerged, merged, 1000
	s.Checks, s.Deploys, s.Manual, s.Probes, s.Waivers = map[string]release.CheckResult{}, map[string]release.DeployResult{}, map[string]release.Tick{}, map[string]release.ProbeHistory{}, map[string]release.Waiver{}
	at := merged.Add(-2 * time.Minute)
	rita := true
	for _, e := range cfg.Flatten() {
		if e.Phase != checklist.PhasePreMerge || !e.Item.IsRequired() {
			continue
		}
		ev := e.Item.Evidence
		switch src := e.Item.Source(); {
		case ev != nil && ev.Unconfigured != "":
			s.Waivers[e.Item.ID] = release.Waiver{By: "adam", At: at, Reason: "no live endpoint to probe yet", Expires: at.Add(7 * 24 * time.Hour),
				URL: "https://github.com/acme/shop/issues/1000#issuecomment-900003"}
		case src == checklist.SourceManual && rita:
			s.Manual[e.Item.ID] = release.Tick{By: "rita", At: at.Add(-time.Hour), SHA: "3f1c2a9e5b7d4c6e8f0a1b2c3d4e5f6a7b8c9d0e", Via: "issue"}
			rita = false
		case src == checklist.SourceManual:
			s.Manual[e.Item.ID] = release.Tick{By: "adam", At: at, SHA: head, Via: "https://github.com/acme/shop/issues/1000#issuecomment-900002"}
		case src == checklist.SourceCheck:
			name := strings.ReplaceAll(ev.Check.Name, "*", "")
			s.Checks[name+"@"+head] = release.CheckResult{Name: name, Kind: "check_run", ID: int64(1000 + len(s.Checks)), SHA: head, Status: "completed", Conclusion: "success",
				URL: fmt.Sprintf("https://github.com/acme/shop/runs/%d", 1000+len(s.Checks)), At: at}
		case src == checklist.SourceDeployment:
			s.Deploys[ev.Deployment.Environment] = release.DeployResult{Environment: ev.Deployment.Environment, DeploymentID: 7, SHA: head, State: "success", Creator: "deploy-bot", At: at}
		case src == checklist.SourceProbe:
			s.Probes[e.Item.ID] = release.ProbeHistory{Last: release.ProbeResult{At: merged, OK: true, Latency: 2 * time.Millisecond, Detail: "GET 200 in 2ms"}}
		}
	}
	for i, so := range []struct{ role, by string }{{"tech-lead", "tina"}, {"security", "sam"}, {"business", "bob"}, {"ops", "olga"}, {"final", "rita"}} {
		s.Signoffs = append(s.Signoffs, release.Signoff{Role: so.role, By: so.by, At: at, SHA: head, Tree: "tree-" + head, CommentID: int64(900009 + i),
			URL: fmt.Sprintf("https://github.com/acme/shop/pull/42#issuecomment-%d", 900009+i)})
	}
	s.Seen = []int64{900001, 900002, 900003, 900004, 900005, 900006, 900007, 900008, 900009, 900010, 900011, 900012, 900013}
	return s, merged.Add(time.Minute)
}

// TestDemoFinalBody: the demo's final tracking issue, all 162 items and
// the signed ledger, stays under 20,000 of GitHub's 65,536 characters
// (it was 58,603 before sections folded and the ledger was deflated), is
// well-formed, and reads back every box and the ledger.
func TestDemoFinalBody(t *testing.T) {
	cfg := demoConfig(t)
	s, now := demoFinal(t, cfg)
	key := []byte("ledger-key")
	body := render.IssueWithLedger(cfg, s, now, key)
	golden(t, "demo-final.md", body)
	// GitHub counts characters, not bytes (an em dash is one, of three).
	// The bound was 20,000 until the built-in checklist's four metric
	// items came (#21): each says what would configure it, ~60 characters.
	if n := utf8.RuneCountInString(body); n >= 20500 {
		t.Errorf("the demo's final body is %d characters, want under 20,500 (of GitHub's 65,536)", n)
	}
	t.Logf("the demo's final body: %d characters (%d bytes), its ledger line %d", utf8.RuneCountInString(body), len(body), len(body[strings.Index(body, "<!-- golive:ledger"):]))
	if err := render.Structure(body); err != nil {
		t.Error(err)
	}
	ticks := release.Ticks(body)
	if len(ticks) != 162 {
		t.Errorf("%d boxes, want all 162 items", len(ticks))
	}
	rep := release.Evaluate(cfg, s, now)
	for _, ir := range rep.Items {
		if on, ok := ticks[ir.Item.ID]; !ok || on != ir.State.Satisfied() {
			t.Errorf("box of %s: %v (present %v), want %v", ir.Item.ID, on, ok, ir.State.Satisfied())
		}
	}
	l, ok, err := render.ParseLedger(body, s.Key, key)
	if !ok || err != nil {
		t.Fatalf("ParseLedger: ok=%v err=%v", ok, err)
	}
	if len(l.Manual) != len(s.Manual) || len(l.Signoffs) != 5 || len(l.Waivers) != len(s.Waivers) {
		t.Errorf("ledger keeps %d ticks, %d sign-offs, %d waivers; want %d, 5, %d", len(l.Manual), len(l.Signoffs), len(l.Waivers), len(s.Manual), len(s.Waivers))
	}
	// With the dashboard set, done items link to their evidence there.
	linked := render.IssueWithLedgerLinked(cfg, s, rep, key, "https://golive.example.com/")
	page := "https://golive.example.com/releases/acme/shop/42"
	if !strings.Contains(linked, "[✓]("+page+"#item-api-documentation-current)") || !strings.Contains(linked, "[✓ by rita]("+page+"#item-") {
		t.Errorf("a hand tick does not link to its item on the dashboard:\n%s", linked)
	}
	if err := render.Structure(linked); err != nil {
		t.Error(err)
	}
	t.Logf("with the dashboard's links: %d characters", len(linked))
	if len(linked) > render.MaxBody {
		t.Errorf("linked body is %d characters", len(linked))
	}
}
