package release

import (
	"slices"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
)

// Reminder is a role whose sign-off has been awaited longer than its
// remind_after.
type Reminder struct {
	Role  string
	Title string
	Teams []string
	Users []string
	// Since is when the wait began: the PR's opening, or the last
	// sign-off the role had to wait for (roles[].after).
	Since time.Time
	// Count is 1 for the first reminder and grows by one every
	// remind_every; a new count is a new mention in the PR comment.
	Count int
}

// Reminders lists, at now, the roles of an open release whose sign-off
// a pre-merge item asks for, that may sign now (their prerequisites are
// in), that have not, and that have been awaited for remind_after. Pure:
// the worker renders them into the PR comment it already edits.
func Reminders(cfg *checklist.Config, s *State, now time.Time) []Reminder {
	if s.Status != StatusOpen || s.OpenedAt.IsZero() {
		return nil
	}
	asked := map[string]bool{}
	for _, e := range cfg.Entries() {
		if e.Phase == checklist.PhasePreMerge && e.Item.Evidence != nil && e.Item.Evidence.Approval != nil {
			asked[e.Item.Evidence.Approval.Role] = true
		}
	}
	var out []Reminder
	for _, r := range cfg.Roles {
		if r.RemindAfter == 0 || !asked[r.ID] {
			continue
		}
		if _, ok := ActiveSignoff(s, r.ID); ok || len(missingBefore(cfg, s, r.ID)) > 0 {
			continue
		}
		since := s.OpenedAt
		for _, before := range r.After {
			if so, ok := ActiveSignoff(s, before); ok && so.At.After(since) {
				since = so.At
			}
		}
		due := since.Add(r.RemindAfter.D())
		if now.Before(due) {
			continue
		}
		n := 1
		if r.RemindEvery > 0 {
			n += int(now.Sub(due) / r.RemindEvery.D())
		}
		out = append(out, Reminder{Role: r.ID, Title: roleTitle(cfg, r.ID), Teams: slices.Clone(r.Teams), Users: slices.Clone(r.Users), Since: since, Count: n})
	}
	return out
}
