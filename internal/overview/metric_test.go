package overview

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// TestMetricBlockersCountAsProbes: a waiting metric item is evidence from
// a scheduled query, not a hand tick.
func TestMetricBlockersCountAsProbes(t *testing.T) {
	bs := []Blocker{{Source: checklist.SourceMetric, State: release.ItemPending}, {Source: checklist.SourceProbe, State: release.ItemPending}, {Source: checklist.SourceManual, State: release.ItemPending}}
	want := []Count{{What: "probes", N: 2}, {What: "hand ticks", N: 1}}
	if d := cmp.Diff(want, tally(bs)); d != "" {
		t.Errorf("tally (-want +got):\n%s", d)
	}
	if got := blockerRank(bs[0]); got != 2 {
		t.Errorf("got rank %d for a metric blocker, want 2 (with CI, deployments and probes)", got)
	}
}
