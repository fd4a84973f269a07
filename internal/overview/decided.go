package overview

import (
	"time"

	"github.com/ag06mixer/golive/internal/receipt"
	"github.com/ag06mixer/golive/internal/release"
)

// Decided is what golive decided at a decision point, from its signed
// receipt, beside the release as it is now.
type Decided struct {
	// Digest names the receipt (its SHA-256); Point is its decision point.
	Digest    string
	Point     string
	DecidedAt time.Time
	Verdict   receipt.Verdict
	HeadSHA   string
	// Then is each item's state at the decision, by id; an item the
	// receipt does not name (added to the config since) is absent.
	Then map[string]release.ItemState
	// Changed lists the items whose state differs now, those the decision
	// rested on (its phase) first; Added those the receipt does not name.
	Changed []Change
	// Signoffs are the sign-offs active at the decision; Voided those of
	// them voided since.
	Signoffs []receipt.Signoff
	Voided   []receipt.Signoff
}

// Change is one item whose state moved since the decision.
type Change struct {
	Item  string            `json:"item"`
	Title string            `json:"title"`
	Then  release.ItemState `json:"then"`
	Now   release.ItemState `json:"now"`
	// Decisive says the decision's own verdict counted the item (an item
	// of the phase it judged), not one judged only later.
	Decisive bool `json:"decisive"`
}

// Differs reports whether the item's state now is not what it was at the
// decision (false when the receipt does not name it).
func (d *Decided) Differs(it Item) bool {
	then, ok := d.Then[it.ID]
	return ok && then != it.State
}

// Named reports whether the receipt names the item.
func (d *Decided) Named(id string) bool {
	_, ok := d.Then[id]
	return ok
}

// CompareDecided sets a verified receipt beside the release now. It is
// pure: the receipt must have been verified by the caller.
func CompareDecided(r *Release, rc receipt.Receipt, digest string) *Decided {
	d := &Decided{Digest: digest, Point: rc.Point, Verdict: rc.Verdict, HeadSHA: rc.PR.HeadSHA, Then: map[string]release.ItemState{}}
	d.DecidedAt, _ = time.Parse(time.RFC3339Nano, rc.DecidedAt)
	phase := map[string]string{}
	for _, it := range rc.Items {
		d.Then[it.ID] = release.ItemState(it.Verdict)
		phase[it.ID] = it.Phase
	}
	var decisive, later []Change
	for _, it := range r.Items {
		then, ok := d.Then[it.ID]
		if !ok || then == it.State {
			continue
		}
		c := Change{Item: it.ID, Title: it.Title, Then: then, Now: it.State, Decisive: phase[it.ID] == rc.Verdict.Phase}
		if c.Decisive {
			decisive = append(decisive, c)
		} else {
			later = append(later, c)
		}
	}
	d.Changed = append(decisive, later...)
	now := map[string]bool{}
	for _, so := range r.Ledger {
		if so.Active() {
			now[so.Role+"\x00"+so.By+"\x00"+so.At.UTC().Format(time.RFC3339Nano)] = true
		}
	}
	for _, so := range rc.Signoffs {
		if !so.Active {
			continue
		}
		d.Signoffs = append(d.Signoffs, so)
		if !now[so.Role+"\x00"+so.By+"\x00"+so.At] {
			d.Voided = append(d.Voided, so)
		}
	}
	return d
}

// Decisive counts the changes to items the decision rested on.
func (d *Decided) Decisive() int {
	n := 0
	for _, c := range d.Changed {
		if c.Decisive {
			n++
		}
	}
	return n
}
