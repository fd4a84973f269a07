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
	// Same second as golive's write before it: the order, and so the
	// editor, cannot be told (victor may have ticked after rita's save).
	tied := []BodyEdit{
		{Editor: "rita", At: t0, Body: box(true)},
		{Editor: "golive[bot]", Bot: true, At: t0, Body: box(false)},
	}
	if e, _, ok := TickEdit(tied, "runbook", true); ok {
		t.Errorf("an edit in the same second as its neighbour was attributed to %s", e.Editor)
	}
	tiedAfter := []BodyEdit{
		{Editor: "victor", At: t0.Add(time.Minute), Body: box(true) + "x"},
		{Editor: "rita", At: t0.Add(time.Minute), Body: box(true)},
		{Editor: "golive[bot]", Bot: true, At: t0, Body: box(false)},
	}
	if e, _, ok := TickEdit(tiedAfter, "runbook", true); ok {
		t.Errorf("an edit sharing its second with the next one was attributed to %s", e.Editor)
	}
}
