package release_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// merged returns a release merged at t0 with the given probe results
// applied to item id, one every step from t0 until end, failing where
// fail says so.
func merged(t *testing.T, id string, step, end time.Duration, fail func(i int) bool, latency time.Duration) *release.State {
	c := cfg(t)
	k := release.Key{Owner: "o", Repo: "r", PR: 1}
	s, _ := release.Apply(c, release.New(k), release.Event{Kind: release.EvPR, At: t0.Add(-time.Hour), Key: k,
		PR: &release.PRInfo{HeadRef: "release/1", HeadSHA: "a"}})
	s, _ = release.Apply(c, s, release.Event{Kind: release.EvClosed, At: t0, Key: k, PR: &release.PRInfo{Merged: true, MergedAt: t0}})
	i := 0
	for d := time.Duration(0); d < end; d += step {
		s, _ = release.Apply(c, s, release.Event{Kind: release.EvProbe, At: t0.Add(d), Key: k,
			Probe: &release.ProbeReport{Item: id, Result: release.ProbeResult{At: t0.Add(d), OK: fail == nil || !fail(i), Latency: latency, Detail: "GET 200"}}})
		i++
	}
	return s
}

// mergedGap is merged with healthy runs, except none in [gapAt, gapAt+gap).
func mergedGap(t *testing.T, id string, step, end, gapAt, gap time.Duration) *release.State {
	c := cfg(t)
	k := release.Key{Owner: "o", Repo: "r", PR: 1}
	s, _ := release.Apply(c, release.New(k), release.Event{Kind: release.EvPR, At: t0.Add(-time.Hour), Key: k,
		PR: &release.PRInfo{HeadRef: "release/1", HeadSHA: "a"}})
	s, _ = release.Apply(c, s, release.Event{Kind: release.EvClosed, At: t0, Key: k, PR: &release.PRInfo{Merged: true, MergedAt: t0}})
	for d := time.Duration(0); d < end; d += step {
		if d >= gapAt && d < gapAt+gap {
			continue
		}
		s, _ = release.Apply(c, s, release.Event{Kind: release.EvProbe, At: t0.Add(d), Key: k,
			Probe: &release.ProbeReport{Item: id, Result: release.ProbeResult{At: t0.Add(d), OK: true, Latency: 100 * time.Millisecond}}})
	}
	return s
}

// TestProbeWindows judges the post-go-live windows with an injected
// clock: a full healthy window ticks, failures or slowness over the limit
// fail it, a gap with no data is not healthy, and a window still running
// is not done yet.
func TestProbeWindows(t *testing.T) {
	c := cfg(t)
	const sla = "application-response-times-within-sla" // 24h, every 1m, ≥ 99.5 %, p95 ≤ 300ms
	const week = "performance-metrics-stable"           // 7d
	const month = "system-stability-demonstrated"       // 30d, every 15m, ≥ 99.9 %
	never := func(int) bool { return false }
	cases := []struct {
		name  string
		id    string
		s     *release.State
		at    time.Duration
		state release.ItemState
	}{
		{"healthy 24h", sla, merged(t, sla, time.Minute, 24*time.Hour, never, 100*time.Millisecond), 24 * time.Hour, release.ItemDone},
		{"still running", sla, merged(t, sla, time.Minute, 12*time.Hour, never, 100*time.Millisecond), 12 * time.Hour, release.ItemPending},
		{"1% failures", sla, merged(t, sla, time.Minute, 24*time.Hour, func(i int) bool { return i%100 == 0 }, 100*time.Millisecond), 24 * time.Hour, release.ItemFailing},
		{"slow p95", sla, merged(t, sla, time.Minute, 24*time.Hour, never, 400*time.Millisecond), 24 * time.Hour, release.ItemFailing},
		{"no data", sla, merged(t, sla, time.Minute, 0, never, 0), 24 * time.Hour, release.ItemPending},
		{"data stops after 20h", sla, merged(t, sla, time.Minute, 20*time.Hour, never, 100*time.Millisecond), 24 * time.Hour, release.ItemPending},
		{"healthy week", week, merged(t, week, 5*time.Minute, 7*24*time.Hour, never, 100*time.Millisecond), 7 * 24 * time.Hour, release.ItemDone},
		{"week with a 6h outage of data", week, mergedGap(t, week, 5*time.Minute, 7*24*time.Hour, 48*time.Hour, 6*time.Hour), 7 * 24 * time.Hour, release.ItemPending},
		{"healthy month", month, merged(t, month, 15*time.Minute, 30*24*time.Hour, never, 100*time.Millisecond), 30 * 24 * time.Hour, release.ItemDone},
		{"month, 0.2% failures", month, merged(t, month, 15*time.Minute, 30*24*time.Hour, func(i int) bool { return i%500 == 0 }, 100*time.Millisecond), 30 * 24 * time.Hour, release.ItemFailing},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ir := item(t, c, tc.s, tc.id, t0.Add(tc.at))
			if ir.State != tc.state {
				t.Errorf("got %v (%s), want %v", ir.State, ir.Note, tc.state)
			}
		})
	}
}

// TestProbeApply: results are kept in order with bounded history; a late
// or repeated run changes nothing; only a flip asks for a sync; the input
// state is never changed.
func TestProbeApply(t *testing.T) {
	c := cfg(t)
	const id = "ssl-certificates-valid-and-installed"
	k := release.Key{Owner: "o", Repo: "r", PR: 1}
	s, _ := release.Apply(c, release.New(k), release.Event{Kind: release.EvPR, At: t0, Key: k, PR: &release.PRInfo{HeadRef: "release/1", HeadSHA: "a"}})
	run := func(s *release.State, at time.Duration, ok bool) (*release.State, []release.Effect) {
		return release.Apply(c, s, release.Event{Kind: release.EvProbe, At: t0.Add(at), Key: k,
			Probe: &release.ProbeReport{Item: id, Result: release.ProbeResult{At: t0.Add(at), OK: ok, Detail: "tls"}}})
	}
	s1, eff := run(s, time.Minute, false)
	if len(eff) != 1 || item(t, c, s1, id, t0.Add(time.Minute)).State != release.ItemFailing {
		t.Fatalf("first run: %v, %v", eff, item(t, c, s1, id, t0.Add(time.Minute)).State)
	}
	s2, eff := run(s1, 2*time.Minute, false)
	if len(eff) != 0 {
		t.Errorf("a steady failure asked for a write: %v", eff)
	}
	s3, eff := run(s2, 3*time.Minute, true)
	if len(eff) != 1 || item(t, c, s3, id, t0.Add(3*time.Minute)).State != release.ItemDone {
		t.Errorf("fixed: %v %v", eff, item(t, c, s3, id, t0.Add(3*time.Minute)).State)
	}
	if got := len(s3.Probes[id].History); got != 2 || len(s2.Probes[id].History) != 1 {
		t.Errorf("history %d (and %d before): input changed or runs lost", got, len(s2.Probes[id].History))
	}
	if late, eff := run(s3, 2*time.Minute, false); len(eff) != 0 || !late.Probes[id].Last.OK {
		t.Error("a late run replaced a newer one")
	}
	// A success goes stale after max_age.
	if st := item(t, c, s3, id, t0.Add(24*time.Hour)).State; st == release.ItemDone {
		t.Error("a day-old probe success still ticks the item")
	}
}

// TestGateFor: staging waits for its sections only, production for the
// whole pre-merge verdict (hold included), and an environment the config
// does not name is not gated.
func TestGateFor(t *testing.T) {
	c := cfg(t)
	k := release.Key{Owner: "o", Repo: "r", PR: 1}
	s, _ := release.Apply(c, release.New(k), release.Event{Kind: release.EvPR, At: t0, Key: k, PR: &release.PRInfo{HeadRef: "release/1", HeadSHA: "a"}})
	if g := release.GateFor(c, s, "preview", t0, ""); !g.Approve {
		t.Errorf("an ungated environment was refused: %+v", g)
	}
	staging := release.GateFor(c, s, "staging", t0, "")
	prod := release.GateFor(c, s, "production", t0, "")
	if staging.Approve || prod.Approve || len(staging.Missing) >= len(prod.Missing) {
		t.Fatalf("staging %d missing, production %d: staging should wait for less", len(staging.Missing), len(prod.Missing))
	}
	for _, m := range staging.Missing {
		if m == "Security Team approval" || strings.Contains(m, "approval") {
			t.Errorf("staging waits for a sign-off: %q", m)
		}
	}
	if !strings.Contains(prod.Comment, "Not ready for production") {
		t.Errorf("comment %q", prod.Comment)
	}
}

// TestCheckBeforePush: workers may apply a release's events out of
// order. A result for the new head applied before the push counts once
// the push arrives; the old head's results never count for the new head.
func TestCheckBeforePush(t *testing.T) {
	c := cfg(t)
	k := release.Key{Owner: "o", Repo: "r", PR: 1}
	const unit = "unit-tests-comprehensive-and-passing"
	s, _ := release.Apply(c, release.New(k), release.Event{Kind: release.EvPR, At: t0, Key: k, PR: &release.PRInfo{HeadRef: "release/1", HeadSHA: "old"}})
	check := func(s *release.State, sha string, at time.Duration) (*release.State, []release.Effect) {
		return release.Apply(c, s, release.Event{Kind: release.EvCheck, At: t0.Add(at), Key: k,
			Check: &release.CheckResult{Name: "ci / unit", SHA: sha, Status: "completed", Conclusion: "success", At: t0.Add(at)}})
	}
	s, _ = check(s, "old", time.Minute)
	s, eff := check(s, "new", 2*time.Minute)
	if len(eff) != 0 {
		t.Errorf("a result off the head asked for a write: %v", eff)
	}
	s, _ = release.Apply(c, s, release.Event{Kind: release.EvPR, At: t0.Add(3 * time.Minute), Key: k, PR: &release.PRInfo{HeadRef: "release/1", HeadSHA: "new", Synchronize: true}})
	if st := item(t, c, s, unit, t0.Add(4*time.Minute)).State; st != release.ItemDone {
		t.Errorf("the early result for the new head does not count: %v", st)
	}
	s, _ = release.Apply(c, s, release.Event{Kind: release.EvPR, At: t0.Add(5 * time.Minute), Key: k, PR: &release.PRInfo{HeadRef: "release/1", HeadSHA: "newer", Synchronize: true}})
	s, _ = check(s, "new", 6*time.Minute)
	if st := item(t, c, s, unit, t0.Add(7*time.Minute)).State; st == release.ItemDone {
		t.Error("a result for an old head ticks the item")
	}
}
