package release

import (
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
)

// The reasons an open release is not ready (BlockReason): a bounded set,
// the label values of golive_releases_blocked.
const (
	BlockedConfig  = "config_error"
	BlockedHold    = "hold"
	BlockedFreeze  = "freeze"
	BlockedSignoff = "signoff"
	BlockedItems   = "items"
)

// BlockReasons lists every BlockReason but "" in a fixed order.
var BlockReasons = []string{BlockedConfig, BlockedHold, BlockedFreeze, BlockedSignoff, BlockedItems}

// BlockReason is why an open release is not ready: its first cause in
// the order the verdict names them (a config error, a hold, a freeze),
// then "signoff" when a required item awaits a role's sign-off, else
// "items". It is "" for a ready release and for one no longer open.
func BlockReason(s *State, rep Report) string {
	if s.Status != StatusOpen || rep.Ready {
		return ""
	}
	switch {
	case len(s.ConfigProblems) > 0:
		return BlockedConfig
	case rep.Hold != nil:
		return BlockedHold
	case len(rep.Frozen) > 0:
		return BlockedFreeze
	}
	for _, ir := range rep.Missing {
		if ir.Item.Evidence != nil && ir.Item.Evidence.Approval != nil {
			return BlockedSignoff
		}
	}
	return BlockedItems
}

// Observation is a release-health measure due once per release: the time
// to ready, the time to a role's sign-off, a post-go-live window's
// outcome.
type Observation struct {
	// ID is its milestone id ("ready", "signoff:qa", "window:24h").
	ID string
	// Metric is "ready", "signoff" or "window".
	Metric string
	// Role is the config role id of a sign-off.
	Role string
	// Phase and Failed describe a closed window.
	Phase  checklist.Phase
	Failed bool
	// Seconds is the time from the PR's opening (ready, sign-off).
	Seconds float64
}

// Observations lists, at now, the health measures of s due and not yet
// in s.Milestones. Sign-offs count per config role (so the label set is
// the config's roles), first active sign-off only; windows count when
// they closed, failed when an item of theirs failed.
func Observations(cfg *checklist.Config, s *State, rep Report, now time.Time) []Observation {
	var out []Observation
	add := func(o Observation) {
		if _, done := s.Milestones[o.ID]; !done {
			out = append(out, o)
		}
	}
	if s.OpenedAt.IsZero() {
		return nil
	}
	if s.Status == StatusOpen && rep.Ready && rep.Phase == checklist.PhasePreMerge {
		add(Observation{ID: "ready", Metric: "ready", Seconds: now.Sub(s.OpenedAt).Seconds()})
	}
	for _, r := range cfg.Roles {
		if so, ok := ActiveSignoff(s, r.ID); ok && !so.At.Before(s.OpenedAt) {
			add(Observation{ID: "signoff:" + r.ID, Metric: "signoff", Role: r.ID, Seconds: so.At.Sub(s.OpenedAt).Seconds()})
		}
	}
	if s.Status != StatusMerged || s.MergedAt.IsZero() {
		return out
	}
	for _, ph := range checklist.Phases {
		if ph == checklist.PhasePreMerge || now.Before(s.MergedAt.Add(ph.Window())) {
			continue
		}
		used, failed := false, false
		for _, ir := range rep.Items {
			if ir.Phase == ph {
				used = true
				failed = failed || ir.State == ItemFailing
			}
		}
		if used {
			add(Observation{ID: "window:" + string(ph), Metric: "window", Phase: ph, Failed: failed})
		}
	}
	return out
}
