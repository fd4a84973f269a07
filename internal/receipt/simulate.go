package receipt

import (
	"github.com/ag06mixer/golive/internal/checklist"
)

// Change is one item whose verdict a config change would alter.
type Change struct {
	Item string `json:"item"`
	// Was and Now are the item's verdict before and under the new config;
	// "" means the item is not in that config.
	Was string `json:"was"`
	Now string `json:"now"`
	// Blocking says whether the item blocks the gate under the new config.
	Blocking bool `json:"blocking"`
}

// Replay is what a recorded decision would have been under another config.
type Replay struct {
	Release  string   `json:"release"`
	Point    string   `json:"point"`
	WasReady bool     `json:"was_ready"`
	NowReady bool     `json:"now_ready"`
	Changes  []Change `json:"changes"`
}

// Simulate replays a receipt's recorded evidence under cfg: an item kept
// keeps its recorded verdict (the evidence is what it was); an item the
// new config adds has no recorded evidence and is pending; a dropped item
// no longer counts. An item whose required flag changes counts by the new
// one. Holds and config errors are as recorded: they are not the
// checklist's to change. Pure.
func Simulate(cfg *checklist.Config, r Receipt) Replay {
	out := Replay{Release: r.Release, Point: r.Point, WasReady: r.Verdict.Ready, Changes: []Change{}}
	recorded := map[string]Item{}
	for _, it := range r.Items {
		recorded[it.ID] = it
	}
	phase := checklist.Phase(r.Verdict.Phase)
	inNew := map[string]bool{}
	blocked := false
	for _, e := range cfg.Flatten() {
		if !countsFor(e.Phase, phase, r) {
			continue
		}
		id := e.Item.ID
		inNew[id] = true
		now, was := "pending", ""
		if it, ok := recorded[id]; ok {
			now, was = it.Verdict, it.Verdict
		}
		blocking := e.Item.IsRequired() && now != "done" && now != "waived"
		blocked = blocked || blocking
		old, had := recorded[id]
		if now != was || (had && old.Required != e.Item.IsRequired() && now != "done" && now != "waived") {
			out.Changes = append(out.Changes, Change{Item: id, Was: was, Now: now, Blocking: blocking})
		}
	}
	for _, it := range r.Items {
		if !inNew[it.ID] && countsFor(checklist.Phase(it.Phase), phase, r) {
			out.Changes = append(out.Changes, Change{Item: it.ID, Was: it.Verdict})
		}
	}
	// What the checklist cannot lift: a hold or an invalid config recorded
	// in the verdict's title while every required item was done.
	otherBlock := !r.Verdict.Ready && len(r.Verdict.Missing) == 0
	out.NowReady = !blocked && !otherBlock
	return out
}

// countsFor reports whether an item of phase p counts for a receipt judged
// in phase active (a window's receipt counts that window only).
func countsFor(p, active checklist.Phase, r Receipt) bool {
	if r.Kind == KindWindowClosed {
		return string(p) == r.Window
	}
	return p == active
}
