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
// show the change: then nobody can say who made it.
func TickEdit(edits []BodyEdit, id string, on bool) (edit BodyEdit, prev string, ok bool) {
	sorted := slices.Clone(edits)
	slices.SortStableFunc(sorted, func(a, b BodyEdit) int { return a.At.Compare(b.At) })
	for i := len(sorted) - 1; i > 0; i-- {
		after, okA := Ticks(sorted[i].Body)[id]
		before, okB := Ticks(sorted[i-1].Body)[id]
		if okA && okB && after == on && before != on {
			return sorted[i], sorted[i-1].Body, true
		}
	}
	return BodyEdit{}, "", false
}
