package release

import (
	"slices"
	"time"
)

// Standing is what golive asked GitHub of a person when it accepted their
// sign-off: their repository permission, the teams (of the config's
// roles) it found them in, and when GitHub answered. A receipt carries it,
// so "was she in the team when she approved?" has an answer later, when
// GitHub no longer says.
type Standing struct {
	Permission string    `json:"permission,omitempty"`
	Teams      []string  `json:"teams,omitempty"`
	CheckedAt  time.Time `json:"checked_at,omitzero"`
}

// standingOf is a principal's standing as the worker looked it up; nil
// when it was not looked up (a sign-off restored from the ledger).
func standingOf(p Principal) *Standing {
	if !p.Known || p.CheckedAt.IsZero() {
		return nil
	}
	return &Standing{Permission: p.Permission, Teams: slices.Clone(p.Teams), CheckedAt: p.CheckedAt}
}
