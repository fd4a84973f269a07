package release

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
)

// EventKind names a normalized event.
type EventKind string

// The events Apply understands.
const (
	// EvPR: a release PR was opened, reopened, edited, labelled, marked
	// ready, or pushed to (PR.Synchronize).
	EvPR EventKind = "pr"
	// EvClosed: the PR closed, merged or not (PR.Merged).
	EvClosed EventKind = "closed"
	// EvCheck: a check run, check suite or commit status changed.
	EvCheck EventKind = "check"
	// EvDeploy: a deployment status was created.
	EvDeploy EventKind = "deploy"
	// EvIssueEdited: someone edited the tracking issue body.
	EvIssueEdited EventKind = "issue_edited"
	// EvRefresh: re-evaluate and re-sync (reconcile, /golive refresh,
	// the check run's Re-run).
	EvRefresh EventKind = "refresh"
	// EvConfig: the repo config was loaded (Problems empty) or failed.
	EvConfig EventKind = "config"
	// EvComment: a new comment on the PR or the tracking issue, which may
	// hold commands.
	EvComment EventKind = "comment"
	// EvProbe: a probe of an item ran.
	EvProbe EventKind = "probe"
)

// Principal is the person behind an event, with what the adapter learned
// of their standing in the repo. Known is false when GitHub could not say;
// then nothing they do is authorised (fail closed).
type Principal struct {
	Login      string   `json:"login"`
	Permission string   `json:"permission,omitempty"`
	Roles      []string `json:"roles,omitempty"`
	Known      bool     `json:"known"`
	Bot        bool     `json:"bot,omitempty"`
	// Teams are the config's teams GitHub said the person is in, and
	// CheckedAt when it answered (standing.go).
	Teams     []string  `json:"teams,omitempty"`
	CheckedAt time.Time `json:"checked_at,omitzero"`
}

// PRInfo is what a pull_request event tells of the PR.
type PRInfo struct {
	Title       string    `json:"title"`
	Author      string    `json:"author"`
	HeadRef     string    `json:"head_ref"`
	BaseRef     string    `json:"base_ref"`
	HeadSHA     string    `json:"head_sha"`
	HeadTree    string    `json:"head_tree,omitempty"`
	Labels      []string  `json:"labels,omitempty"`
	Draft       bool      `json:"draft,omitempty"`
	URL         string    `json:"url,omitempty"`
	Synchronize bool      `json:"synchronize,omitempty"`
	Merged      bool      `json:"merged,omitempty"`
	MergedAt    time.Time `json:"merged_at,omitzero"`
	CreatedAt   time.Time `json:"created_at,omitzero"`
	UpdatedAt   time.Time `json:"updated_at,omitzero"`
	// State ("open", "closed") and MergeSHA are known when the PR is read
	// back from GitHub by the reconciler.
	State    string `json:"state,omitempty"`
	MergeSHA string `json:"merge_sha,omitempty"`
	// RepoID is the base repository's id: unlike owner/repo it survives
	// a rename and is never reused by another repository.
	RepoID int64 `json:"repo_id,omitempty"`

	// Changed lists the files the push changed (the compare of the old
	// head with the new), for roles whose sign-off resets only on some
	// paths; ChangedKnown is false when GitHub's list could not be read
	// whole, and ChangedWhy says why.
	Changed      []string `json:"changed,omitempty"`
	ChangedKnown bool     `json:"changed_known,omitempty"`
	ChangedWhy   string   `json:"changed_why,omitempty"`
}

// IssueInfo is a tracking issue as read back from GitHub.
type IssueInfo struct {
	Number int    `json:"number"`
	Body   string `json:"body"`
	State  string `json:"state"`
	URL    string `json:"url"`
}

// Event is a normalized event: no GitHub types, time included.
type Event struct {
	Kind EventKind `json:"kind"`
	// At is when GitHub says the event happened (a comment's created_at,
	// an edit's updated_at); Received is when golive received it.
	At           time.Time     `json:"at"`
	Received     time.Time     `json:"received,omitzero"`
	Key          Key           `json:"key"`
	Installation int64         `json:"installation"`
	Actor        Principal     `json:"actor"`
	PR           *PRInfo       `json:"pr,omitempty"`
	Check        *CheckResult  `json:"check,omitempty"`
	Deploy       *DeployResult `json:"deploy,omitempty"`
	// Body and PrevBody are the edited issue body and what it was.
	Body     string          `json:"body,omitempty"`
	PrevBody string          `json:"prev_body,omitempty"`
	Problems []ConfigProblem `json:"problems,omitempty"`
	Comment  *CommentInfo    `json:"comment,omitempty"`
	Probe    *ProbeReport    `json:"probe,omitempty"`
}

// ProbeReport is one probe run of an item.
type ProbeReport struct {
	Item   string      `json:"item"`
	Result ProbeResult `json:"result"`
}

// EffectKind names a GitHub write Apply asks for.
type EffectKind string

// Effects. Sync renders the issue, PR comment and check run and writes
// what changed, creating them when missing.
const (
	EffSync       EffectKind = "sync"
	EffReply      EffectKind = "reply"
	EffCloseIssue EffectKind = "close_issue"
	// EffReact puts a reaction on a command comment, as its receipt.
	EffReact EffectKind = "react"
	// EffRefresh asks the adapters to re-read the release from GitHub.
	EffRefresh EffectKind = "refresh"
)

// Effect is one write for the adapters to carry out.
type Effect struct {
	Kind EffectKind `json:"kind"`
	// Body of a reply.
	Body string `json:"body,omitempty"`
	// Reason of a close: "completed" or "not_planned".
	Reason string `json:"reason,omitempty"`
	// Target of a reply: the issue or PR number; 0 is the tracking issue.
	Target int `json:"target,omitempty"`
	// CommentID and Reaction of a reaction.
	CommentID int64  `json:"comment_id,omitempty"`
	Reaction  string `json:"reaction,omitempty"`
}

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
