package release

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
)

// Apply is golive's decision: the new state of a release and the writes it
// implies. It is pure; s is not modified (a copy is returned).
func Apply(cfg *checklist.Config, s *State, ev Event) (*State, []Effect) {
	n := s.Clone()
	if n.Installation == 0 {
		n.Installation = ev.Installation
	}
	if n.RepoID == 0 && ev.PR != nil {
		n.RepoID = ev.PR.RepoID
	}
	var eff []Effect
	switch ev.Kind {
	case EvPR:
		applyPR(cfg, n, ev)
		eff = append(eff, Effect{Kind: EffSync})
	case EvClosed:
		if n.Status != StatusOpen {
			return n, nil
		}
		if ev.PR != nil && !ev.PR.UpdatedAt.IsZero() {
			if ev.PR.UpdatedAt.Before(n.PRAt) {
				return n, nil
			}
			n.PRAt = ev.PR.UpdatedAt
		}
		if ev.PR != nil && ev.PR.Merged {
			n.Status = StatusMerged
			n.MergedAt = ev.PR.MergedAt
			if n.MergedAt.IsZero() {
				n.MergedAt = ev.At
			}
			n.audit(ev.At, ev.Actor.Login, "merged", "post-go-live monitoring starts")
			eff = append(eff, Effect{Kind: EffSync})
		} else {
			n.Status = StatusClosed
			n.audit(ev.At, ev.Actor.Login, "closed", "closed without merge")
			eff = append(eff, Effect{Kind: EffSync}, Effect{Kind: EffCloseIssue, Reason: "not_planned"})
		}
	case EvCheck:
		// Results are kept per commit: one for a head golive has not seen
		// pushed yet (workers may apply a release's events out of order)
		// counts once the push arrives; only the head's results count.
		if c := ev.Check; c != nil && c.SHA != "" {
			k := checkKey(c.Name, c.SHA)
			if prev, ok := n.Checks[k]; ok && newer(prev, *c) {
				return n, nil // an older result arriving late
			}
			if n.Checks == nil {
				n.Checks = map[string]CheckResult{}
			}
			n.Checks[k] = *c
			pruneChecks(n)
			if c.SHA == n.HeadSHA {
				eff = append(eff, Effect{Kind: EffSync})
			}
		}
	case EvDeploy:
		if d := ev.Deploy; d != nil {
			if prev, ok := n.Deploys[d.Environment]; ok && prev.At.After(d.At) {
				return n, nil
			}
			if n.Deploys == nil {
				n.Deploys = map[string]DeployResult{}
			}
			n.Deploys[d.Environment] = *d
			eff = append(eff, Effect{Kind: EffSync})
		}
	case EvIssueEdited:
		eff = append(eff, applyIssueEdit(cfg, n, ev)...)
	case EvRefresh:
		eff = append(eff, Effect{Kind: EffSync})
	case EvComment:
		eff = append(eff, applyComment(cfg, n, ev)...)
	case EvProbe:
		eff = append(eff, applyProbe(cfg, n, ev)...)
	case EvSettle:
		eff = append(eff, settlePending(cfg, n, ev)...)
	case EvConfig:
		if !slices.Equal(n.ConfigProblems, ev.Problems) {
			n.ConfigProblems = slices.Clone(ev.Problems)
			eff = append(eff, Effect{Kind: EffSync})
		}
	}
	return n, eff
}

// checkKey keys a check result by name and commit.
func checkKey(name, sha string) string { return name + "@" + sha }

// maxChecks bounds the results kept; those not on the head go first.
const maxChecks = 512

func pruneChecks(n *State) {
	if len(n.Checks) <= maxChecks {
		return
	}
	for k, c := range n.Checks {
		if c.SHA != n.HeadSHA {
			delete(n.Checks, k)
		}
		if len(n.Checks) <= maxChecks {
			return
		}
	}
}

// newer reports whether a is a later result than b. Timestamps come to
// the second, so equal times fall back to the id: GitHub's check run and
// status ids only grow.
func newer(a, b CheckResult) bool {
	if !a.At.Equal(b.At) {
		return a.At.After(b.At)
	}
	return a.ID > b.ID
}

func applyPR(cfg *checklist.Config, n *State, ev Event) {
	p := ev.PR
	if p == nil {
		return
	}
	// A PR event carries a snapshot of the PR; workers may apply them out
	// of order. One older than the last applied (by the PR's updated_at)
	// would move the head backwards: skip it.
	// With no updated_at (a fake, an old payload) there is no order to
	// keep, and the snapshot is applied.
	if at := p.UpdatedAt; !at.IsZero() {
		if at.Before(n.PRAt) {
			return
		}
		n.PRAt = at
	}
	if n.OpenedAt.IsZero() {
		n.OpenedAt = p.CreatedAt
		if n.OpenedAt.IsZero() {
			n.OpenedAt = ev.At
		}
		n.audit(ev.At, p.Author, "opened", "release tracking started")
	}
	n.Title, n.Author, n.HeadRef, n.BaseRef, n.URL = p.Title, p.Author, p.HeadRef, p.BaseRef, p.URL
	if n.Status == StatusClosed {
		n.Status = StatusOpen // reopened
	}
	if p.HeadSHA != "" && p.HeadSHA != n.HeadSHA {
		old := n.HeadSHA
		n.HeadSHA, n.HeadTree = p.HeadSHA, p.HeadTree
		if ev.Actor.Login != "" && p.Synchronize {
			n.LastPusher = ev.Actor.Login
		}
		if old != "" {
			// Check evidence belongs to a commit: a new head starts over.
			for k, c := range n.Checks {
				if c.SHA == old {
					delete(n.Checks, k)
				}
			}
			n.audit(ev.At, ev.Actor.Login, "pushed", fmt.Sprintf("head moved from %s to %s; CI evidence reset", short(old), short(p.HeadSHA)))
			voidOnPush(cfg, n, ev, p, old)
		}
	}
}

// voidOnPush voids the sign-offs of roles that invalidate on push, unless
// the new head's tree equals the signed one (a rebase without change).
func voidOnPush(cfg *checklist.Config, n *State, ev Event, p *PRInfo, old string) {
	for i := range n.Signoffs {
		so := &n.Signoffs[i]
		if !so.Active() {
			continue
		}
		r, ok := cfg.Role(so.Role)
		if !ok || !r.Invalidates() {
			continue
		}
		if so.Tree != "" && so.Tree == n.HeadTree {
			n.audit(ev.At, "", "kept", fmt.Sprintf("%s sign-off by %s kept: the new head %s has the same tree", r.Title, so.By, short(n.HeadSHA)))
			continue
		}
		reason := fmt.Sprintf("the head changed from %s to %s", short(old), short(n.HeadSHA))
		if len(r.InvalidateOn) > 0 {
			touched, why := scopedChange(r, p)
			if why == "" && len(touched) == 0 {
				n.audit(ev.At, "", "kept", fmt.Sprintf("%s sign-off by %s kept: the push to %s changes nothing under %s", r.Title, so.By, short(n.HeadSHA), strings.Join(r.InvalidateOn, ", ")))
				continue
			}
			if why != "" {
				reason += "; " + why
			} else {
				reason += " and touched " + fileList(touched)
			}
		}
		so.VoidedAt = ev.At
		so.VoidReason = reason
		n.audit(ev.At, "", "voided", fmt.Sprintf("%s sign-off by %s: %s", r.Title, so.By, so.VoidReason))
	}
	voidDependents(cfg, n, ev.At, "")
}

// applyIssueEdit records permitted hand ticks and reverts the rest.
func applyIssueEdit(cfg *checklist.Config, n *State, ev Event) []Effect {
	if ev.Actor.Bot {
		return nil // golive's own edits, and other bots'
	}
	// The edit replaced golive's body: the next sync must rewrite it even
	// if golive's rendering is unchanged, or reverted ticks would stand.
	n.ForgetIssueWritten()
	eff := []Effect{{Kind: EffSync}}
	ticked, unticked := tickChanges(ev.PrevBody, ev.Body)
	forgetUnseen(n, ticked...)
	forgetUnseen(n, unticked...)
	var refused []string
	for _, id := range ticked {
		e, ok := cfg.Item(id)
		if !ok {
			continue
		}
		if why := mayTick(cfg, e.Item, ev.Actor, n); why != "" {
			refused = append(refused, fmt.Sprintf("- **%s**: %s", e.Item.Title, why))
			n.audit(ev.At, ev.Actor.Login, "refused", "tick of "+id+": "+why)
			continue
		}
		if n.Manual == nil {
			n.Manual = map[string]Tick{}
		}
		n.Manual[id] = Tick{By: ev.Actor.Login, At: ev.At, SHA: n.HeadSHA, Via: "issue"}
		n.audit(ev.At, ev.Actor.Login, "ticked", id)
	}
	for _, id := range unticked {
		e, ok := cfg.Item(id)
		if !ok {
			continue
		}
		if _, had := n.Manual[id]; !had {
			if e.Item.Source() != checklist.SourceManual {
				refused = append(refused, fmt.Sprintf("- **%s**: it is ticked by evidence (%s), not by hand", e.Item.Title, e.Item.Source()))
			}
			continue
		}
		if why := mayTick(cfg, e.Item, ev.Actor, n); why != "" {
			refused = append(refused, fmt.Sprintf("- **%s** (untick): %s", e.Item.Title, why))
			n.audit(ev.At, ev.Actor.Login, "refused", "untick of "+id+": "+why)
			continue
		}
		delete(n.Manual, id)
		n.audit(ev.At, ev.Actor.Login, "unticked", id)
	}
	if len(refused) > 0 {
		eff = append(eff, Effect{Kind: EffReply, Body: fmt.Sprintf("@%s, golive reverted %s to the checklist:\n\n%s",
			ev.Actor.Login, count(len(refused), "change"), strings.Join(refused, "\n"))})
	}
	return eff
}

// mayTick says why the principal may not tick the item, or "" if they may.
func mayTick(cfg *checklist.Config, it *checklist.Item, p Principal, n *State) string {
	if it.Source() != checklist.SourceManual {
		return fmt.Sprintf("it is ticked by evidence (%s), not by hand", it.Source())
	}
	if !p.Known {
		return "GitHub could not confirm your access just now; try again, or comment `/golive refresh`"
	}
	list := it.TickBy
	if list == nil {
		list = cfg.Defaults.TickBy
	}
	if len(list) == 0 {
		list = []string{"@write"}
	}
	if allowedBy(list, p) {
		return ""
	}
	return "only " + strings.Join(tickers(cfg, it), " or ") + " may tick it"
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func (s *State) audit(at time.Time, actor, action, detail string) {
	s.Audit = append(s.Audit, AuditEntry{At: at, Actor: actor, Action: action, Detail: detail})
	if len(s.Audit) > MaxAudit {
		s.Audit = slices.Clone(s.Audit[len(s.Audit)-MaxAudit:])
	}
}

// Clone returns a deep copy, so Apply never changes its input.
func (s *State) Clone() *State {
	n := *s
	n.Checks = cloneMap(s.Checks)
	n.Deploys = cloneMap(s.Deploys)
	n.Manual = cloneMap(s.Manual)
	n.Waivers = cloneMap(s.Waivers)
	n.Probes = cloneMap(s.Probes)
	n.Signoffs = slices.Clone(s.Signoffs)
	n.Seen = slices.Clone(s.Seen)
	n.Pending = slices.Clone(s.Pending)
	n.Unseen = cloneMap(s.Unseen)
	n.Audit = slices.Clone(s.Audit)
	n.ConfigProblems = slices.Clone(s.ConfigProblems)
	if s.Hold != nil {
		h := *s.Hold
		n.Hold = &h
	}
	return &n
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
