package release_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func cfg(t *testing.T) *checklist.Config {
	t.Helper()
	c, err := checklist.DefaultConfigWith(checklist.ExampleVars) // probes configured
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func kinds(eff []release.Effect) []release.EffectKind {
	var out []release.EffectKind
	for _, e := range eff {
		out = append(out, e.Kind)
	}
	return out
}

func item(t *testing.T, c *checklist.Config, s *release.State, id string, at time.Time) release.ItemReport {
	t.Helper()
	for _, ir := range release.Evaluate(c, s, at).Items {
		if ir.Item.ID == id {
			return ir
		}
	}
	t.Fatalf("no item %q", id)
	return release.ItemReport{}
}

func TestApplyReleaseStory(t *testing.T) {
	c := cfg(t)
	k := release.Key{Owner: "o", Repo: "r", PR: 7}
	s0 := release.New(k)
	s, eff := release.Apply(c, s0, release.Event{Kind: release.EvPR, At: t0, Key: k, Actor: release.Principal{Login: "alice"},
		PR: &release.PRInfo{Title: "Release 1.0", Author: "alice", HeadRef: "release/1.0", BaseRef: "main", HeadSHA: "sha1", HeadTree: "tree1"}})
	if diff := cmp.Diff([]release.EffectKind{release.EffSync}, kinds(eff)); diff != "" {
		t.Errorf("open effects (-want +got):\n%s", diff)
	}
	if s0.HeadSHA != "" {
		t.Fatal("Apply changed its input state")
	}
	unit := "unit-tests-comprehensive-and-passing"
	ok := &release.CheckResult{Name: "go-unit-tests", Kind: "check_run", SHA: "sha1", Status: "completed", Conclusion: "success", At: t0.Add(time.Minute)}
	s, _ = release.Apply(c, s, release.Event{Kind: release.EvCheck, At: t0.Add(time.Minute), Key: k, Check: ok})
	if got := item(t, c, s, unit, t0.Add(time.Minute)); got.State != release.ItemDone || got.Evidence.SHA != "sha1" {
		t.Fatalf("after CI success: %+v", got)
	}
	fail := *ok
	fail.Conclusion, fail.At = "failure", t0.Add(2*time.Minute)
	s, _ = release.Apply(c, s, release.Event{Kind: release.EvCheck, At: fail.At, Key: k, Check: &fail})
	if got := item(t, c, s, unit, fail.At); got.State != release.ItemFailing {
		t.Fatalf("after CI failure: %+v", got)
	}
	// A late-arriving older result does not overwrite the newer one.
	s, eff = release.Apply(c, s, release.Event{Kind: release.EvCheck, At: t0.Add(3 * time.Minute), Key: k, Check: ok})
	if len(eff) != 0 || item(t, c, s, unit, t0).State != release.ItemFailing {
		t.Error("an older check result replaced a newer one")
	}
	// Evidence from another commit never counts.
	other := *ok
	other.SHA = "sha-other"
	s, eff = release.Apply(c, s, release.Event{Kind: release.EvCheck, At: t0, Key: k, Check: &other})
	if len(eff) != 0 {
		t.Error("a check on another commit caused a write")
	}
	// A push resets CI evidence.
	ok2 := *ok
	ok2.At = t0.Add(4 * time.Minute)
	s, _ = release.Apply(c, s, release.Event{Kind: release.EvCheck, At: ok2.At, Key: k, Check: &ok2})
	s, _ = release.Apply(c, s, release.Event{Kind: release.EvPR, At: t0.Add(5 * time.Minute), Key: k, Actor: release.Principal{Login: "bob"},
		PR: &release.PRInfo{Title: "Release 1.0", Author: "alice", HeadSHA: "sha2", HeadTree: "tree2", Synchronize: true}})
	if got := item(t, c, s, unit, t0.Add(5*time.Minute)); got.State != release.ItemPending {
		t.Errorf("after a push: %+v, want pending", got)
	}
	if s.LastPusher != "bob" {
		t.Errorf("last pusher: got %q, want bob", s.LastPusher)
	}
	// A staging deployment ticks its items.
	s, _ = release.Apply(c, s, release.Event{Kind: release.EvDeploy, At: t0.Add(6 * time.Minute), Key: k,
		Deploy: &release.DeployResult{Environment: "staging", SHA: "sha2", State: "success", At: t0.Add(6 * time.Minute)}})
	if got := item(t, c, s, "staging-environment-matches-production", t0.Add(6*time.Minute)); got.State != release.ItemDone {
		t.Errorf("after a staging deploy: %+v", got)
	}
	// Closing unmerged closes the issue as not planned.
	_, eff = release.Apply(c, s, release.Event{Kind: release.EvClosed, At: t0.Add(7 * time.Minute), Key: k, PR: &release.PRInfo{}})
	if diff := cmp.Diff([]release.Effect{{Kind: release.EffSync}, {Kind: release.EffCloseIssue, Reason: "not_planned"}}, eff); diff != "" {
		t.Errorf("close effects (-want +got):\n%s", diff)
	}
	// Merging moves to post-go-live, and the 24h items become active.
	m, _ := release.Apply(c, s, release.Event{Kind: release.EvClosed, At: t0.Add(7 * time.Minute), Key: k, PR: &release.PRInfo{Merged: true, MergedAt: t0.Add(7 * time.Minute)}})
	if m.Status != release.StatusMerged || release.Evaluate(c, m, t0.Add(8*time.Minute)).Phase != checklist.Phase24h {
		t.Errorf("after merge: status %s", m.Status)
	}
}

func TestApplyIssueTicks(t *testing.T) {
	c := cfg(t)
	k := release.Key{Owner: "o", Repo: "r", PR: 7}
	s := release.New(k)
	s.HeadSHA = "sha1"
	box := func(id string, on bool) string {
		mark := " "
		if on {
			mark = "x"
		}
		return "- [" + mark + "] " + release.ItemMarker(id) + " text\n"
	}
	before := box("deployment-procedures-documented", false) + box("unit-tests-comprehensive-and-passing", false) + box("authentication-mechanism-implemented", false)
	after := box("deployment-procedures-documented", true) + box("unit-tests-comprehensive-and-passing", true) + box("authentication-mechanism-implemented", true)
	writer := release.Principal{Login: "wanda", Permission: "write", Known: true}
	n, eff := release.Apply(c, s, release.Event{Kind: release.EvIssueEdited, At: t0, Key: k, Actor: writer, Body: after, PrevBody: before})
	if _, ok := n.Manual["deployment-procedures-documented"]; !ok {
		t.Error("an allowed tick was not kept")
	}
	if len(n.Manual) != 1 {
		t.Errorf("kept ticks %v, want only the allowed one", n.Manual)
	}
	if len(eff) != 2 || eff[1].Kind != release.EffReply {
		t.Fatalf("effects %+v, want a sync and one reply", eff)
	}
	for _, want := range []string{"Unit tests", "ticked by evidence", "Authentication mechanism implemented", "Security Review"} {
		if !strings.Contains(eff[1].Body, want) {
			t.Errorf("reply %q does not say %q", eff[1].Body, want)
		}
	}
	// When GitHub cannot say who the editor is, nothing is accepted.
	unknown := release.Principal{Login: "wanda"}
	n, _ = release.Apply(c, s, release.Event{Kind: release.EvIssueEdited, At: t0, Key: k, Actor: unknown, Body: after, PrevBody: before})
	if len(n.Manual) != 0 {
		t.Error("a tick was accepted without a confirmed permission")
	}
	// golive's own edits are ignored.
	_, eff = release.Apply(c, s, release.Event{Kind: release.EvIssueEdited, At: t0, Key: k, Actor: release.Principal{Login: "golive[bot]", Bot: true}, Body: after, PrevBody: before})
	if len(eff) != 0 {
		t.Errorf("a bot edit caused effects %+v", eff)
	}
}

func TestSignoffVoidedOnPushUnlessSameTree(t *testing.T) {
	c := cfg(t)
	k := release.Key{Owner: "o", Repo: "r", PR: 7}
	s := release.New(k)
	s.HeadSHA, s.HeadTree = "sha1", "tree1"
	s.Signoffs = []release.Signoff{
		{Role: "security", By: "sam", At: t0, SHA: "sha1", Tree: "tree1"},
		{Role: "business", By: "bea", At: t0, SHA: "sha1", Tree: "tree1"},
	}
	rebased, _ := release.Apply(c, s, release.Event{Kind: release.EvPR, At: t0.Add(time.Hour), Key: k, PR: &release.PRInfo{HeadSHA: "sha2", HeadTree: "tree1", Synchronize: true}})
	if _, ok := release.ActiveSignoff(rebased, "security"); !ok {
		t.Error("a rebase with the same tree voided the security sign-off")
	}
	changed, _ := release.Apply(c, s, release.Event{Kind: release.EvPR, At: t0.Add(time.Hour), Key: k, PR: &release.PRInfo{HeadSHA: "sha3", HeadTree: "tree3", Synchronize: true}})
	if _, ok := release.ActiveSignoff(changed, "security"); ok {
		t.Error("a push with a new tree kept the security sign-off (it invalidates on push)")
	}
	if _, ok := release.ActiveSignoff(changed, "business"); !ok {
		t.Error("a push voided the business sign-off, which does not invalidate on push")
	}
}

func TestCheckRunVerdict(t *testing.T) {
	c := cfg(t)
	s := release.New(release.Key{Owner: "o", Repo: "r", PR: 1})
	s.HeadSHA = "sha1"
	cr := release.CheckRunFor(c, s, release.Evaluate(c, s, t0), "https://github.com/o/r/issues/9")
	if cr.Conclusion != "failure" || !strings.HasPrefix(cr.Title, "Blocked: ") || !strings.Contains(cr.Summary, "issues/9") {
		t.Errorf("fresh release check run: %+v", cr)
	}
	s.Hold = &release.Hold{By: "h", Reason: "freeze"}
	if cr := release.CheckRunFor(c, s, release.Evaluate(c, s, t0), ""); cr.Title != "On hold: freeze" {
		t.Errorf("held release title: %q", cr.Title)
	}
}
