package release_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// freezeCfg is the built-in checklist with a dated freeze around t0
// that only the business role may lift, and a nightly one nobody names.
func freezeCfg(t *testing.T) *checklist.Config {
	t.Helper()
	def, err := checklist.Default()
	if err != nil {
		t.Fatal(err)
	}
	f, err := checklist.Parse("golive.yml", []byte("version: 1\nvars: {base_url: \"https://shop.example.com\", host: shop.example.com}\nfreezes:\n"+
		"  - {id: thanksgiving, reason: Thanksgiving traffic, start: 2026-11-26, end: 2026-11-27, waive_by: [business]}\n"+
		"  - {id: nightly, reason: Backups, cron: \"0 2 * * *\", duration: 1h}\n"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := checklist.Resolve(def, f)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// readyState has every item waived and every sign-off given.
func readyState(c *checklist.Config) *release.State {
	s := dutyState()
	s.Waivers = map[string]release.Waiver{}
	for _, e := range c.Flatten() {
		s.Waivers[e.Item.ID] = release.Waiver{By: "x", At: t0, Reason: "r"}
	}
	for _, r := range []string{"tech-lead", "security", "business", "ops", "final"} {
		s.Signoffs = append(s.Signoffs, release.Signoff{Role: r, By: r + "-person", At: t0, SHA: "sha1"})
	}
	return s
}

func sayAt(t *testing.T, c *checklist.Config, s *release.State, at time.Time, p release.Principal, body string) (*release.State, string) {
	t.Helper()
	nextComment++
	n, eff := release.Apply(c, s, release.Event{Kind: release.EvComment, At: at, Key: dutyKey, Actor: p,
		Comment: &release.CommentInfo{ID: nextComment, Body: body, Target: 7}})
	reply := ""
	for _, e := range eff {
		if e.Kind == release.EffReply {
			reply = e.Body
		}
	}
	return n, reply
}

func TestFreezeBlocksReadinessAndGates(t *testing.T) {
	c := freezeCfg(t)
	s := readyState(c)
	after := t0.Add(36 * time.Hour) // 2026-11-28 00:00 UTC: no freeze
	if rep := release.Evaluate(c, s, after); !rep.Ready {
		t.Fatalf("setup not ready outside the freeze: %s", rep.Title)
	}
	rep := release.Evaluate(c, s, t0)
	if rep.Ready || rep.Title != "Frozen: Thanksgiving traffic" {
		t.Errorf("in the freeze: got ready=%v %q, want not ready, \"Frozen: Thanksgiving traffic\"", rep.Ready, rep.Title)
	}
	cr := release.CheckRunFor(c, s, rep, "")
	if cr.Conclusion != "failure" || !strings.Contains(cr.Summary, "Thanksgiving traffic (until 2026-11-27 00:00 UTC)") || !strings.Contains(cr.Summary, "/waive freeze REASON") {
		t.Errorf("check run: got %s %q", cr.Conclusion, cr.Summary)
	}
	g := release.GateFor(c, s, "production", t0, "")
	if g.Approve || len(g.Missing) == 0 || !strings.Contains(g.Missing[0], "change freeze `thanksgiving`") {
		t.Errorf("deploy gate in the freeze: got approve=%v missing %q", g.Approve, g.Missing)
	}
	if g := release.GateFor(c, s, "production", after, ""); !g.Approve {
		t.Errorf("deploy gate outside the freeze: refused %q", g.Missing)
	}
	// The recurring freeze holds at 02:30 UTC any night.
	night := time.Date(2026, 11, 28, 2, 30, 0, 0, time.UTC)
	if rep := release.Evaluate(c, s, night); rep.Ready || rep.Title != "Frozen: Backups" {
		t.Errorf("nightly freeze: got ready=%v %q", rep.Ready, rep.Title)
	}
	// After the merge a freeze no longer gates the post-go-live verdict.
	m := s.Clone()
	m.Status = release.StatusMerged
	if rep := release.Evaluate(c, m, t0); len(rep.Frozen) != 0 {
		t.Errorf("merged release: got frozen %v", rep.Frozen)
	}
}

func TestWaiveFreeze(t *testing.T) {
	c := freezeCfg(t)
	s := readyState(c)
	biz := person("bea", "write", "business")
	for _, tc := range []struct {
		who       release.Principal
		body      string
		wantReply string
	}{
		{person("adam", "admin"), "/waive freeze hotfix", "only Business Owner may waive the freeze `thanksgiving`"},
		{person("alice", "admin", "business"), "/waive freeze hotfix", "the author may not waive a change freeze"},
		{biz, "/waive freeze", "say why: `/waive freeze REASON…`"},
	} {
		n, reply := sayAt(t, c, s, t0, tc.who, tc.body)
		if !strings.Contains(reply, tc.wantReply) {
			t.Errorf("%s by %s: got reply %q, want it to say %q", tc.body, tc.who.Login, reply, tc.wantReply)
		}
		if rep := release.Evaluate(c, n, t0); rep.Ready {
			t.Errorf("%s by %s: lifted the freeze", tc.body, tc.who.Login)
		}
	}
	n, reply := sayAt(t, c, s, t0, biz, "/waive freeze security hotfix, agreed with the on-call")
	if reply != "" && strings.Contains(reply, "only") {
		t.Fatalf("waiver refused: %q", reply)
	}
	w, ok := n.Waivers[release.FreezeWaiverPrefix+"thanksgiving"]
	if !ok || w.By != "bea" || w.Reason != "security hotfix, agreed with the on-call" {
		t.Fatalf("got waiver %+v (%v), want one by bea with the reason", w, ok)
	}
	if rep := release.Evaluate(c, n, t0); !rep.Ready {
		t.Errorf("waived freeze still blocks: %s", rep.Title)
	}
	if g := release.GateFor(c, n, "production", t0, ""); !g.Approve {
		t.Errorf("waived freeze still blocks the deploy gate: %q", g.Missing)
	}
	if a := n.Audit[len(n.Audit)-1]; a.Action != "waived" || a.Actor != "bea" || !strings.HasPrefix(a.Detail, "freeze:thanksgiving: ") {
		t.Errorf("audit: got %+v", a)
	}
	// The waiver answers one freeze: the nightly one still blocks.
	night := time.Date(2026, 11, 28, 2, 30, 0, 0, time.UTC)
	if rep := release.Evaluate(c, n, night); rep.Ready {
		t.Error("a waiver of one freeze lifted another")
	}
	// Nothing to waive outside a freeze.
	if _, reply := sayAt(t, c, s, t0.Add(36*time.Hour), biz, "/waive freeze early"); !strings.Contains(reply, "no change freeze is in effect now") {
		t.Errorf("outside a freeze: got reply %q", reply)
	}
	n, _ = sayAt(t, c, n, t0, biz, "/unwaive freeze")
	if rep := release.Evaluate(c, n, t0); rep.Ready {
		t.Error("unwaive freeze: still lifted")
	}
	// Without freezes in the config, "freeze" is just an unknown item id.
	if _, reply := say(t, dutyState(), person("adam", "admin"), "/waive freeze x"); !strings.Contains(reply, "freeze") || strings.Contains(reply, "no change freeze") {
		t.Errorf("no freezes configured: got reply %q", reply)
	}
}
