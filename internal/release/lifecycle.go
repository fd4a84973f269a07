package release

import (
	"fmt"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
)

// DefaultRetention is how long golive keeps a release's record after golive
// stopped following it (its last post-go-live window closed, or the PR was
// closed unmerged): long enough to answer "what happened?" for a few
// weeks, short enough that Redis does not grow with every release ever
// made. GitHub keeps the tracking issue, its ledger and its receipts.
const DefaultRetention = 14 * 24 * time.Hour

// LastWindow is the longest post-go-live window: golive follows a merged
// release until it has closed, whatever items the config has in it.
func LastWindow() time.Duration {
	var d time.Duration
	for _, ph := range checklist.Phases {
		d = max(d, ph.Window())
	}
	return d
}

// FollowedUntil is when golive stops following a release: the close of
// its last post-go-live window once merged, the close of the PR when it
// was closed unmerged. ok is false while the PR is open.
func FollowedUntil(s *State) (t time.Time, ok bool) {
	switch s.Status {
	case StatusMerged:
		if s.MergedAt.IsZero() {
			return time.Time{}, false
		}
		return s.MergedAt.Add(LastWindow()), true
	case StatusClosed:
		if !s.PRAt.IsZero() {
			return s.PRAt, true
		}
		return s.OpenedAt, !s.OpenedAt.IsZero()
	}
	return time.Time{}, false
}

// ExpiresAt is when the release's record (with its probe history and the
// delivery and comment ids it remembers) may be forgotten: keep after
// golive stopped following it.
func ExpiresAt(s *State, keep time.Duration) (time.Time, bool) {
	t, ok := FollowedUntil(s)
	if !ok {
		return time.Time{}, false
	}
	return t.Add(keep), true
}

// DueToFinish reports whether a merged release's last window has closed at
// now and golive has not yet closed its tracking issue with a summary.
func DueToFinish(s *State, now time.Time) bool {
	end, ok := FollowedUntil(s)
	return s.Status == StatusMerged && ok && s.FinishedAt.IsZero() && !now.Before(end)
}

// Finished reports whether golive no longer follows the release: the
// reconciler, the probes and the dashboard's list of live releases leave
// it alone.
func (s *State) Finished() bool { return !s.FinishedAt.IsZero() || s.Status == StatusClosed }

// Finish marks the release as followed to its end at at.
func Finish(s *State, at time.Time) *State {
	n := s.Clone()
	n.FinishedAt = at
	n.audit(at, "", "finished", "last post-go-live window closed; tracking issue closed")
	return n
}

// ClosingMarker is the hidden marker of the closing summary comment, so a
// retry or a second replica finds the one already posted.
func ClosingMarker(k Key) string { return fmt.Sprintf("<!-- golive:closing %s -->", k) }

// ClosingSummary is the comment golive leaves on the tracking issue when
// the release's last window has closed: how each post-go-live window went,
// the receipts on record and how long golive keeps its own copy.
func ClosingSummary(cfg *checklist.Config, s *State, receipts int, expires time.Time) string {
	end, _ := FollowedUntil(s)
	rep := Evaluate(cfg, s, end)
	var b strings.Builder
	b.WriteString(ClosingMarker(s.Key) + "\n")
	fmt.Fprintf(&b, "### golive: release followed to the end\n\n")
	fmt.Fprintf(&b, "Merged %s; the last post-go-live window closed %s.\n\n", s.MergedAt.UTC().Format(time.DateOnly), end.UTC().Format(time.DateOnly))
	b.WriteString("| window | met | required not met |\n|---|---|---|\n")
	for _, ph := range checklist.Phases {
		if ph == checklist.PhasePreMerge {
			continue
		}
		done, total := 0, 0
		var missing []string
		for _, ir := range rep.Items {
			if ir.Phase != ph {
				continue
			}
			total++
			if ir.State.Satisfied() {
				done++
			} else if ir.Item.IsRequired() {
				missing = append(missing, "`"+ir.Item.ID+"`")
			}
		}
		if total == 0 {
			continue
		}
		m := "none"
		if len(missing) > 0 {
			m = strings.Join(missing, ", ")
		}
		fmt.Fprintf(&b, "| %s | %d of %d | %s |\n", ph.Title(), done, total, m)
	}
	fmt.Fprintf(&b, "\nDecision receipts on this issue: %d. golive closes this issue and keeps its own copy of the release's record until %s; this issue, its signed ledger and its receipts stay on GitHub.\n",
		receipts, expires.UTC().Format(time.DateOnly))
	return b.String()
}
