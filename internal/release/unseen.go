package release

import (
	"slices"
	"time"
)

// BodyEdit is one revision of a tracking issue's body in GitHub's edit
// history (GraphQL userContentEdits): who saved it, when, and the body
// it left.
type BodyEdit struct {
	Editor string    `json:"editor"`
	Bot    bool      `json:"bot,omitempty"`
	At     time.Time `json:"at"`
	Body   string    `json:"body"`
}

// TickEdit finds, in an issue's edit history (in any order), the edit
// that last set item id's box to on: the revision, and the body before it
// (the previous revision). It is what the lost issues.edited event of
// that tick would have carried. ok is false when the history does not
// show the change, or shows it in the same second as a neighbouring
// edit: then nobody can say who made it.
func TickEdit(edits []BodyEdit, id string, on bool) (edit BodyEdit, prev string, ok bool) {
	sorted := slices.Clone(edits)
	slices.SortStableFunc(sorted, func(a, b BodyEdit) int { return a.At.Compare(b.At) })
	for i := len(sorted) - 1; i > 0; i-- {
		after, okA := Ticks(sorted[i].Body)[id]
		before, okB := Ticks(sorted[i-1].Body)[id]
		if okA && okB && after == on && before != on {
			// GitHub gives edit times to the second: when a neighbour
			// shares this edit's second, their order, and so who made
			// the change, cannot be told. Nobody is named then.
			if sorted[i-1].At.Equal(sorted[i].At) || (i+1 < len(sorted) && sorted[i+1].At.Equal(sorted[i].At)) {
				return BodyEdit{}, "", false
			}
			return sorted[i], sorted[i-1].Body, true
		}
	}
	return BodyEdit{}, "", false
}

// Unseen is a box a person changed in the tracking issue that golive has
// had no issues.edited event for: golive keeps it as they set it, and
// judges it from the edit history, or, when the history cannot
// say who made the change, leaves it standing and says it is unjudged.
// An unjudged box never counts: the item stays as golive's evidence has it.
type Unseen struct {
	On    bool      `json:"on"`
	Since time.Time `json:"since"`
	// Unjudged says why golive could not judge it (empty while it tries).
	Unjudged string `json:"unjudged,omitempty"`
}

// forgetUnseen drops the boxes an issues.edited event decided.
func forgetUnseen(n *State, ids ...string) {
	for _, id := range ids {
		delete(n.Unseen, id)
	}
	if len(n.Unseen) == 0 {
		n.Unseen = nil
	}
}
