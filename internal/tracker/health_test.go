package tracker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/ag06mixer/golive/internal/metrics"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/tracker"
	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

// TestSweepSetsHealthGauges: the sweep counts the records it lists: open
// releases by their block reason, merged ones still followed that were at
// risk; a finished or ready one counts nowhere.
func TestSweepSetsHealthGauges(t *testing.T) {
	st := trackertest.NewStore()
	m := metrics.New()
	tr := tracker.New(tracker.Options{States: st, Locks: st, Index: st, Marks: st, Cache: st, Queue: st, GitHub: trackertest.NewGitHub(owner, repo),
		Metrics: m, Clock: func() time.Time { return t0 }})
	put := func(pr int, s release.State) {
		s.Key = release.Key{Owner: owner, Repo: repo, PR: pr}
		b, err := json.Marshal(map[string]any{"state": s})
		if err != nil {
			t.Fatal(err)
		}
		st.States[s.Key.String()], st.Open[s.Key.String()] = b, true
	}
	put(1, release.State{Status: release.StatusOpen, Blocked: release.BlockedSignoff})
	put(2, release.State{Status: release.StatusOpen, Blocked: release.BlockedSignoff})
	put(3, release.State{Status: release.StatusOpen, Blocked: release.BlockedHold})
	put(4, release.State{Status: release.StatusOpen}) // ready
	put(5, release.State{Status: release.StatusMerged, Milestones: map[string]time.Time{"merged": t0, "at_risk": t0}})
	put(6, release.State{Status: release.StatusMerged, Milestones: map[string]time.Time{"merged": t0}})
	put(7, release.State{Status: release.StatusMerged, FinishedAt: t0, Milestones: map[string]time.Time{"at_risk": t0}})
	if err := tr.SweepRedis(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, r := range release.BlockReasons {
		got[r] = gauge(m.Health.Blocked.WithLabelValues(r))
	}
	want := map[string]float64{"signoff": 2, "hold": 1, "config_error": 0, "freeze": 0, "items": 0}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("blocked: %v, want %v", got, want)
	}
	if v := gauge(m.Health.AtRisk); v != 1 {
		t.Errorf("at risk: %v, want 1", v)
	}
}

func gauge(g interface{ Write(*dto.Metric) error }) float64 {
	var d dto.Metric
	_ = g.Write(&d)
	return d.GetGauge().GetValue()
}
