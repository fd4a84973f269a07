package release_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

const noticeYAML = `version: 1
inherit: false
release: {head_branches: ["release/*"]}
roles:
  - {id: business, title: Business Owner, teams: [org/business], remind_after: 24h}
  - {id: ops, title: Operations, users: [olga]}
sections:
  - id: s
    title: S
    groups:
      - id: g
        title: G
        items:
          - {id: business-ok, title: Business sign-off, evidence: {approval: {role: business}}}
          - {id: ops-ok, title: Ops sign-off, evidence: {approval: {role: ops}}}
          - {id: ci, title: CI green, evidence: {check: {name: ci}}}
`

func noticeCfg(t *testing.T) *checklist.Config {
	t.Helper()
	f, err := checklist.Parse("golive.yml", []byte(noticeYAML))
	if err != nil {
		t.Fatal(err)
	}
	c, err := checklist.Resolve(nil, f)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func noticeIDs(ns []release.Notice) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.ID)
	}
	return out
}

// TestNoticesOncePerEvent walks a release through its life: each event is
// due once it happens, and once recorded (Mark) never again.
func TestNoticesOncePerEvent(t *testing.T) {
	c := noticeCfg(t)
	s := &release.State{Key: release.Key{Owner: "o", Repo: "r", PR: 1}, Status: release.StatusOpen, OpenedAt: t0, HeadSHA: "sha1", Title: "Release 1"}
	step := func(at time.Time, want ...string) []release.Notice {
		t.Helper()
		ns := release.Notices(c, s, release.Evaluate(c, s, at), at)
		if diff := cmp.Diff(want, noticeIDs(ns)); diff != "" {
			t.Fatalf("at %s (-want +got):\n%s", at.Sub(t0), diff)
		}
		s = release.Mark(s, noticeIDs(ns), at)
		return ns
	}
	step(t0.Add(23 * time.Hour)) // nothing overdue yet
	ns := step(t0.Add(24*time.Hour), "blocked:business")
	n := ns[0]
	if n.Kind != release.NoticeBlocked || n.Role == nil || n.Role.Title != "Business Owner" || !n.Since.Equal(t0) {
		t.Fatalf("blocked notice: %+v", n)
	}
	if diff := cmp.Diff([]string{"Business sign-off", "Ops sign-off", "CI green"}, n.Missing); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}
	step(t0.Add(72 * time.Hour)) // a second reminder count: not a second notice
	s.Signoffs = append(s.Signoffs,
		release.Signoff{Role: "business", By: "bob", At: t0.Add(73 * time.Hour), SHA: "sha1"},
		release.Signoff{Role: "ops", By: "olga", At: t0.Add(73 * time.Hour), SHA: "sha1"})
	s.Checks = map[string]release.CheckResult{"ci@sha1": {Name: "ci", Kind: "check_run", SHA: "sha1", Status: "completed", Conclusion: "success", At: t0}}
	step(t0.Add(74*time.Hour), "ready")
	step(t0.Add(75 * time.Hour)) // still ready: once
	s.Status, s.MergedAt = release.StatusMerged, t0.Add(76*time.Hour)
	step(t0.Add(76*time.Hour), "merged")
	step(t0.Add(77 * time.Hour))
	if diff := cmp.Diff([]string{"blocked:business", "merged", "ready"}, release.MilestoneIDs(s)); diff != "" {
		t.Errorf("milestones (-want +got):\n%s", diff)
	}
}

// TestNoticeAtRiskFromAFailedWindow: a merged release with a failing
// post-go-live item is at risk, once; a failing pre-merge item or a
// window still to come does not count.
func TestNoticeAtRiskFromAFailedWindow(t *testing.T) {
	c := noticeCfg(t)
	s := &release.State{Status: release.StatusMerged, OpenedAt: t0, MergedAt: t0.Add(time.Hour), Milestones: map[string]time.Time{"merged": t0}}
	item := func(ph checklist.Phase, st release.ItemState) release.ItemReport {
		return release.ItemReport{Entry: checklist.Entry{Phase: ph, Item: &checklist.Item{Title: "p95 " + string(ph)}}, State: st}
	}
	rep := release.Report{Phase: checklist.Phase24h, Items: []release.ItemReport{
		item(checklist.PhasePreMerge, release.ItemFailing), item(checklist.Phase24h, release.ItemDone),
	}}
	if ns := release.Notices(c, s, rep, t0.Add(2*time.Hour)); len(ns) != 0 || release.AtRisk(rep) {
		t.Fatalf("healthy windows: %+v", ns)
	}
	rep.Items = append(rep.Items, item(checklist.Phase24h, release.ItemFailing))
	ns := release.Notices(c, s, rep, t0.Add(2*time.Hour))
	if len(ns) != 1 || ns[0].Kind != release.NoticeAtRisk || cmp.Diff([]string{"p95 24h"}, ns[0].Missing) != "" || !release.AtRisk(rep) {
		t.Fatalf("failed window: %+v", ns)
	}
	s = release.Mark(s, noticeIDs(ns), t0)
	if ns := release.Notices(c, s, rep, t0.Add(3*time.Hour)); len(ns) != 0 {
		t.Fatalf("at risk notified twice: %+v", ns)
	}
}

func TestMarkDoesNotTouchTheOriginal(t *testing.T) {
	s := &release.State{Milestones: map[string]time.Time{"a": t0}}
	n := release.Mark(s, []string{"b"}, t0)
	if len(s.Milestones) != 1 || len(n.Milestones) != 2 {
		t.Fatalf("Mark changed its input: %v → %v", s.Milestones, n.Milestones)
	}
	if release.Mark(s, nil, t0) != s {
		t.Fatal("Mark without ids copied the state")
	}
}

func TestBlockReason(t *testing.T) {
	c := noticeCfg(t)
	s := &release.State{Status: release.StatusOpen, OpenedAt: t0, HeadSHA: "sha1"}
	reason := func() string { return release.BlockReason(s, release.Evaluate(c, s, t0)) }
	if got := reason(); got != release.BlockedSignoff {
		t.Errorf("awaiting sign-offs: %q", got)
	}
	s.Signoffs = []release.Signoff{{Role: "business", By: "bob", At: t0, SHA: "sha1"}, {Role: "ops", By: "olga", At: t0, SHA: "sha1"}}
	if got := reason(); got != release.BlockedItems {
		t.Errorf("awaiting CI: %q", got)
	}
	s.Hold = &release.Hold{By: "rita", Reason: "wait"}
	if got := reason(); got != release.BlockedHold {
		t.Errorf("held: %q", got)
	}
	s.ConfigProblems = []release.ConfigProblem{{Path: "golive.yml", Message: "bad"}}
	if got := reason(); got != release.BlockedConfig {
		t.Errorf("config error: %q", got)
	}
	s.ConfigProblems, s.Hold = nil, nil
	s.Checks = map[string]release.CheckResult{"ci@sha1": {Name: "ci", Kind: "check_run", SHA: "sha1", Status: "completed", Conclusion: "success", At: t0}}
	if got := reason(); got != "" {
		t.Errorf("ready: %q", got)
	}
	s.Checks = nil
	s.Status = release.StatusMerged
	if got := reason(); got != "" {
		t.Errorf("merged: %q", got)
	}
}

// TestObservationsOncePerRelease: time to ready and to each sign-off from
// the PR's opening, windows as they close, each once.
func TestObservationsOncePerRelease(t *testing.T) {
	c := noticeCfg(t)
	s := &release.State{Status: release.StatusOpen, OpenedAt: t0, HeadSHA: "sha1"}
	obs := func(at time.Time, rep release.Report) []release.Observation {
		o := release.Observations(c, s, rep, at)
		var ids []string
		for _, x := range o {
			ids = append(ids, x.ID)
		}
		s = release.Mark(s, ids, at)
		return o
	}
	s.Signoffs = []release.Signoff{{Role: "business", By: "bob", At: t0.Add(2 * time.Hour), SHA: "sha1"}}
	got := obs(t0.Add(3*time.Hour), release.Evaluate(c, s, t0.Add(3*time.Hour)))
	if len(got) != 1 || got[0].Metric != "signoff" || got[0].Role != "business" || got[0].Seconds != 7200 {
		t.Fatalf("business sign-off: %+v", got)
	}
	s.Signoffs = append(s.Signoffs, release.Signoff{Role: "ops", By: "olga", At: t0.Add(4 * time.Hour), SHA: "sha1"})
	s.Checks = map[string]release.CheckResult{"ci@sha1": {Name: "ci", Kind: "check_run", SHA: "sha1", Status: "completed", Conclusion: "success", At: t0}}
	got = obs(t0.Add(5*time.Hour), release.Evaluate(c, s, t0.Add(5*time.Hour)))
	want := []release.Observation{{ID: "ready", Metric: "ready", Seconds: 5 * 3600}, {ID: "signoff:ops", Metric: "signoff", Role: "ops", Seconds: 4 * 3600}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("ready and ops (-want +got):\n%s", diff)
	}
	if got := obs(t0.Add(6*time.Hour), release.Evaluate(c, s, t0.Add(6*time.Hour))); len(got) != 0 {
		t.Fatalf("observed twice: %+v", got)
	}
	s.Status, s.MergedAt = release.StatusMerged, t0.Add(6*time.Hour)
	item := func(ph checklist.Phase, st release.ItemState) release.ItemReport {
		return release.ItemReport{Entry: checklist.Entry{Phase: ph, Item: &checklist.Item{Title: "x"}}, State: st}
	}
	rep := release.Report{Phase: checklist.Phase7d, Items: []release.ItemReport{item(checklist.Phase24h, release.ItemFailing), item(checklist.Phase7d, release.ItemPending)}}
	got = obs(t0.Add(31*time.Hour), rep) // the 24h window closed, the week has not
	if diff := cmp.Diff([]release.Observation{{ID: "window:24h", Metric: "window", Phase: checklist.Phase24h, Failed: true}}, got); diff != "" {
		t.Fatalf("24h window (-want +got):\n%s", diff)
	}
	rep.Items[1].State = release.ItemDone
	got = obs(t0.Add(6*time.Hour+7*24*time.Hour), rep)
	if diff := cmp.Diff([]release.Observation{{ID: "window:7d", Metric: "window", Phase: checklist.Phase7d}}, got); diff != "" {
		t.Fatalf("7d window (-want +got):\n%s", diff)
	}
}
