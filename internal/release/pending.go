package release

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
)

// EvSettle asks for the pending approvals golive received at or before
// At to be judged for good: those whose earlier sign-offs never landed
// are refused, with one reply. The adapters send it a settle window
// after a pending approval was received.
const EvSettle EventKind = "settle"

// PendingApproval is an /approve of a role with an `after` rule that
// arrived before the sign-offs it waits for. Webhooks of comments made a
// few milliseconds apart reach golive in any order, so it is kept, shown
// as pending, and takes effect when sign-offs made before it land; it is
// refused only once the settle window has passed without them.
type PendingApproval struct {
	Role      string    `json:"role"`
	Actor     Principal `json:"actor"`
	At        time.Time `json:"at"`
	CommentID int64     `json:"comment_id"`
	URL       string    `json:"url,omitempty"`
	Target    int       `json:"target,omitempty"`
	// SHA and Tree are the head the command was given on.
	SHA  string `json:"sha,omitempty"`
	Tree string `json:"tree,omitempty"`
	// Received is when golive received it (its own clock): the settle
	// window runs from here, not from GitHub's time, so a comment
	// redelivered an hour late still waits for its earlier sign-offs.
	Received time.Time `json:"received"`
}

// madeBefore reports whether a sign-off was made before the command at
// (at, id): GitHub's times come to the second, and its comment ids only
// grow, so equal times fall back to the id.
func madeBefore(so Signoff, at time.Time, id int64) bool {
	if !so.At.Equal(at) {
		return so.At.Before(at)
	}
	return so.CommentID < id
}

// signedBefore returns the role's active sign-off made before (at, id).
func signedBefore(s *State, role string, at time.Time, id int64) (Signoff, bool) {
	for i := len(s.Signoffs) - 1; i >= 0; i-- {
		so := s.Signoffs[i]
		if so.Role == role && so.Active() && madeBefore(so, at, id) {
			return so, true
		}
	}
	return Signoff{}, false
}

// missingAt lists the titles of the roles r waits for that have no active
// sign-off made before (at, id).
func missingAt(cfg *checklist.Config, s *State, r checklist.Role, at time.Time, id int64) []string {
	var out []string
	for _, before := range r.After {
		if _, ok := signedBefore(s, before, at, id); !ok {
			out = append(out, roleTitle(cfg, before))
		}
	}
	return out
}

// PendingFor returns the pending approvals of a role, oldest first.
func PendingFor(s *State, role string) []PendingApproval {
	var out []PendingApproval
	for _, p := range s.Pending {
		if p.Role == role {
			out = append(out, p)
		}
	}
	return out
}

// pend keeps an /approve that came before its earlier sign-offs.
func pend(n *State, ev Event, r checklist.Role, missing []string) {
	c := ev.Comment
	for _, p := range n.Pending {
		if p.CommentID == c.ID && p.Role == r.ID {
			return
		}
	}
	received := ev.Received
	if received.IsZero() {
		received = ev.At
	}
	n.Pending = append(n.Pending, PendingApproval{Role: r.ID, Actor: ev.Actor, At: ev.At, CommentID: c.ID, URL: c.URL, Target: c.Target,
		SHA: n.HeadSHA, Tree: n.HeadTree, Received: received})
	n.audit(ev.At, ev.Actor.Login, "pending", fmt.Sprintf("%s waits for %s, made before it", r.Title, strings.Join(missing, ", ")))
}

// resolvePending re-judges every pending approval against the sign-offs
// now known: one whose earlier sign-offs have all landed takes effect (a
// +1 on its comment); one a rule now refuses for another reason (someone
// else gave the role, the head moved) is refused with a reply. The rest
// stay pending.
func resolvePending(cfg *checklist.Config, n *State) []Effect {
	var eff []Effect
	for changed := true; changed; {
		changed = false
		for i, p := range n.Pending {
			r, ok := cfg.Role(p.Role)
			if !ok {
				n.Pending = slices.Delete(n.Pending, i, i+1)
				changed = true
				break
			}
			if _, signed := ActiveSignoff(n, r.ID); !signed && len(missingAt(cfg, n, r, p.At, p.CommentID)) > 0 {
				continue
			}
			n.Pending = slices.Delete(n.Pending, i, i+1)
			eff = append(eff, decide(cfg, n, p, r)...)
			changed = true
			break
		}
	}
	return eff
}

// decide runs a pending approval whose wait is over through the rules of
// /approve, as of the moment it was made.
func decide(cfg *checklist.Config, n *State, p PendingApproval, r checklist.Role) []Effect {
	ev := Event{Kind: EvComment, At: p.At, Key: n.Key, Actor: p.Actor, Comment: &CommentInfo{ID: p.CommentID, URL: p.URL, Target: p.Target}}
	var o outcome
	if n.Status != StatusOpen {
		o.refusal = fmt.Sprintf("the release is %s", n.Status)
	} else if p.SHA != n.HeadSHA && r.Invalidates() && (p.Tree == "" || p.Tree != n.HeadTree) {
		o.refusal = fmt.Sprintf("the head moved from %s to %s while it waited for the other sign-offs; approve again on the new head", short(p.SHA), short(n.HeadSHA))
	} else {
		o = approve(cfg, n, ev, r.ID)
	}
	if o.ok {
		eff := []Effect{{Kind: EffReact, CommentID: p.CommentID, Reaction: ReactOK}}
		if o.changed {
			eff = append(eff, Effect{Kind: EffSync})
		}
		return eff
	}
	return refusePending(n, p, o.refusal)
}

func refusePending(n *State, p PendingApproval, why string) []Effect {
	n.audit(p.At, p.Actor.Login, "refused", "approve "+p.Role+": "+why)
	return []Effect{
		{Kind: EffReact, CommentID: p.CommentID, Reaction: ReactRefused},
		{Kind: EffReply, Target: p.Target, Body: fmt.Sprintf("@%s\n\n- `/approve %s`: %s", p.Actor.Login, p.Role, why)},
		{Kind: EffSync},
	}
}

// settlePending judges for good the pending approvals received at or
// before ev.At: by then every event of the release up to them has had
// its settle window to arrive, so one still short of its sign-offs is
// refused, once.
func settlePending(cfg *checklist.Config, n *State, ev Event) []Effect {
	eff := resolvePending(cfg, n)
	keep := n.Pending[:0:0]
	for _, p := range n.Pending {
		if p.Received.After(ev.At) {
			keep = append(keep, p)
			continue
		}
		r, _ := cfg.Role(p.Role)
		why := fmt.Sprintf("%s waits for the other sign-offs; still missing: %s (only sign-offs made before this comment count; approve again once they are in)",
			r.Title, strings.Join(missingAt(cfg, n, r, p.At, p.CommentID), ", "))
		eff = append(eff, refusePending(n, p, why)...)
	}
	n.Pending = keep
	return eff
}

// SettleDue reports when the earliest pending approval received falls
// due for settling, given the window; ok is false with none pending.
func SettleDue(s *State, window time.Duration) (due time.Time, ok bool) {
	for _, p := range s.Pending {
		if d := p.Received.Add(window); !ok || d.Before(due) {
			due, ok = d, true
		}
	}
	return due, ok
}

// pendingNote shows a pending approval in the issue and the check run.
func pendingNote(cfg *checklist.Config, s *State, p PendingApproval) string {
	r, _ := cfg.Role(p.Role)
	return fmt.Sprintf("`/approve %s` by %s is pending: it takes effect once %s, signed before it, are in", p.Role, p.Actor.Login,
		strings.Join(missingAt(cfg, s, r, p.At, p.CommentID), ", "))
}
