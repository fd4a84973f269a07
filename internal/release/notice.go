package release

import (
	"slices"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
)

// NoticeKind names a release event golive tells a chat channel about.
type NoticeKind string

// The notified events.
const (
	// NoticeReady: every required pre-merge item is in, nothing holds or
	// freezes the release.
	NoticeReady NoticeKind = "ready"
	// NoticeBlocked: a role's sign-off has been awaited longer than its
	// remind_after.
	NoticeBlocked NoticeKind = "blocked"
	// NoticeAtRisk: a post-go-live window failed after the merge.
	NoticeAtRisk NoticeKind = "at_risk"
	// NoticeMerged: the release PR was merged.
	NoticeMerged NoticeKind = "merged"
)

// Notice is one release event to notify.
type Notice struct {
	Kind NoticeKind
	// ID names the notice within its release; each ID is notified once.
	// It is the kind, and for a blocked notice the role ("blocked:qa").
	ID string
	// Title is the release's verdict line at the time.
	Title string
	// Missing names what the release waits for (ready: nothing; blocked:
	// the required items still missing; at risk: the failed items).
	Missing []string
	// Role, for a blocked notice, is the role awaited, and Since when the
	// wait began.
	Role  *Reminder
	Since time.Time
}

// Notices lists, at now, the release events of s that are due and that
// s.Milestones does not record yet, in a fixed order (merged, at risk,
// ready, blocked by role order). Pure: the tracker queues one
// notification per notice and records its ID with Mark, so a restart or
// another replica never sends it twice.
func Notices(cfg *checklist.Config, s *State, rep Report, now time.Time) []Notice {
	var out []Notice
	add := func(n Notice) {
		if _, done := s.Milestones[n.ID]; !done {
			out = append(out, n)
		}
	}
	switch s.Status {
	case StatusMerged:
		add(Notice{Kind: NoticeMerged, ID: string(NoticeMerged), Title: rep.Title})
		if failed := failedWindows(rep); len(failed) > 0 {
			add(Notice{Kind: NoticeAtRisk, ID: string(NoticeAtRisk), Title: rep.Title, Missing: failed})
		}
	case StatusOpen:
		if rep.Ready && rep.Phase == checklist.PhasePreMerge {
			add(Notice{Kind: NoticeReady, ID: string(NoticeReady), Title: rep.Title})
			break
		}
		missing := itemTitles(rep.Missing)
		for _, r := range Reminders(cfg, s, now) {
			r := r
			add(Notice{Kind: NoticeBlocked, ID: string(NoticeBlocked) + ":" + r.Role, Title: rep.Title, Missing: missing, Role: &r, Since: r.Since})
		}
	}
	return out
}

// AtRisk reports whether a merged release has a post-go-live item whose
// window failed.
func AtRisk(rep Report) bool { return len(failedWindows(rep)) > 0 }

func failedWindows(rep Report) []string {
	var out []string
	for _, ir := range rep.Items {
		if ir.Phase != checklist.PhasePreMerge && ir.State == ItemFailing && CountsFor(ir.Phase, rep.Phase) {
			out = append(out, ir.Item.Title)
		}
	}
	return out
}

func itemTitles(irs []ItemReport) []string {
	out := make([]string, 0, len(irs))
	for _, ir := range irs {
		out = append(out, ir.Item.Title)
	}
	return out
}

// Mark returns s with the milestone ids recorded at at.
func Mark(s *State, ids []string, at time.Time) *State {
	if len(ids) == 0 {
		return s
	}
	n := s.Clone()
	n.Milestones = make(map[string]time.Time, len(s.Milestones)+len(ids))
	for k, v := range s.Milestones {
		n.Milestones[k] = v
	}
	for _, id := range ids {
		n.Milestones[id] = at
	}
	return n
}

// MilestoneIDs lists the milestones recorded, sorted.
func MilestoneIDs(s *State) []string {
	out := make([]string, 0, len(s.Milestones))
	for k := range s.Milestones {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
