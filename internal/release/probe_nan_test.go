package release_test

import (
	"math"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// TestProbeWindowNaNNeverPasses: a window whose min_success is NaN (a
// config that slipped past validation) fails when every run failed; NaN
// compares false with everything, so a plain "ratio < need" let it pass.
func TestProbeWindowNaNNeverPasses(t *testing.T) {
	const sla = "application-response-times-within-sla"
	c := cfg(t)
	e, ok := c.Item(sla)
	if !ok {
		t.Fatalf("no item %q", sla)
	}
	ev := *e.Item.Evidence
	pr := *ev.Probe
	w := *pr.Window
	w.MinSuccess = math.NaN()
	pr.Window, ev.Probe = &w, &pr
	e.Item.Evidence = &ev
	always := func(int) bool { return true }
	s := merged(t, sla, time.Minute, 24*time.Hour, always, 100*time.Millisecond)
	if ir := item(t, c, s, sla, t0.Add(24*time.Hour)); ir.State == release.ItemDone {
		t.Errorf("got %v (%s) for an all-failed window with min_success NaN, want not done", ir.State, ir.Note)
	}
}
