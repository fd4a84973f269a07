package release

import (
	"testing"
	"time"
)

func TestTickEdit(t *testing.T) {
	box := func(on bool) string {
		if on {
			return "- [x] " + ItemMarker("runbook") + " Runbook\n- [ ] " + ItemMarker("oncall") + " On-call\n"
		}
		return "- [ ] " + ItemMarker("runbook") + " Runbook\n- [ ] " + ItemMarker("oncall") + " On-call\n"
	}
	t0 := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	edits := []BodyEdit{ // newest first, as GitHub lists them
		{Editor: "golive[bot]", Bot: true, At: t0.Add(3 * time.Minute), Body: box(true) + "rendered again"},
		{Editor: "rita", At: t0.Add(2 * time.Minute), Body: box(true)},
		{Editor: "golive[bot]", Bot: true, At: t0, Body: box(false)},
	}
	e, prev, ok := TickEdit(edits, "runbook", true)
	if !ok || e.Editor != "rita" || !e.At.Equal(t0.Add(2*time.Minute)) || prev != box(false) {
		t.Fatalf("got %+v prev %q ok %v, want rita's edit at +2m", e, prev, ok)
	}
	if _, _, ok := TickEdit(edits, "oncall", true); ok {
		t.Error("found a tick of a box nobody ticked")
	}
	if _, _, ok := TickEdit(edits[:1], "runbook", true); ok {
		t.Error("a single revision named who changed the box")
	}
	if _, _, ok := TickEdit(nil, "runbook", true); ok {
		t.Error("an empty history named who ticked")
	}
}
