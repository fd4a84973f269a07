package release

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
)

// ItemState is how an item stands.
type ItemState string

// Item states. Done and Waived satisfy the gate.
const (
	ItemDone    ItemState = "done"
	ItemWaived  ItemState = "waived"
	ItemPending ItemState = "pending"
	ItemFailing ItemState = "failing"
	// ItemLater is a post-go-live item whose window has not started.
	ItemLater ItemState = "later"
)

// Satisfied reports whether the state counts as ticked for the gate.
func (s ItemState) Satisfied() bool { return s == ItemDone || s == ItemWaived }

// Evidence is what proved (or disproved) an item: what, who, when, where.
type Evidence struct {
	Source  checklist.Source `json:"source"`
	Summary string           `json:"summary"`
	URL     string           `json:"url,omitempty"`
	Actor   string           `json:"actor,omitempty"`
	At      time.Time        `json:"at,omitzero"`
	SHA     string           `json:"sha,omitempty"`
}

// ItemReport is one item with its evaluated state.
type ItemReport struct {
	checklist.Entry
	State    ItemState
	Evidence *Evidence
	// Note says what the item waits for when it is not satisfied.
	Note string
}

// Report is the evaluation of a release at a moment.
type Report struct {
	Items []ItemReport
	// Missing are the required items of the active phase not satisfied.
	Missing []ItemReport
	// Done and Total count the items of the active phase.
	Done, Total int
	Ready       bool
	// Watching: merged, nothing on hold or broken, and the active
	// post-go-live window still has required items to go. Nothing is
	// blocked any more; Title says what is being watched.
	Watching bool
	Title    string
	Hold     *Hold
	Phase    checklist.Phase
	// Freezes are the change freezes in effect before the merge, waived
	// or not; Frozen are those no waiver lifts (freeze.go).
	Freezes, Frozen []ActiveFreeze
}

// Evaluate computes every item's state and the verdict. It is pure: now is
// the moment the evaluation holds for.
func Evaluate(cfg *checklist.Config, s *State, now time.Time) Report {
	r := Report{Phase: s.Phase(), Hold: s.Hold}
	entries := cfg.Entries()
	r.Items = make([]ItemReport, 0, len(entries))
	r.Missing = make([]ItemReport, 0, len(entries))
	ev := evaluation{cfg: cfg, s: s}
	for _, e := range entries {
		ir := ev.item(e, now)
		r.Items = append(r.Items, ir)
		if !CountsFor(e.Phase, r.Phase) {
			continue
		}
		r.Total++
		if ir.State.Satisfied() {
			r.Done++
		} else if e.Item.IsRequired() {
			r.Missing = append(r.Missing, ir)
		}
	}
	if r.Phase == checklist.PhasePreMerge && len(cfg.Freezes) > 0 {
		r.Freezes = FreezesAt(cfg, s, now)
		r.Frozen = Blocking(r.Freezes)
	}
	switch {
	case len(s.ConfigProblems) > 0:
		r.Title = fmt.Sprintf("Config error: %d problem%s in .github/golive.yml", len(s.ConfigProblems), plural(len(s.ConfigProblems)))
	case s.Hold != nil:
		r.Title = "On hold: " + oneLine(s.Hold.Reason, 80)
	case len(r.Frozen) > 0:
		r.Title = "Frozen: " + oneLine(r.Frozen[0].Reason, 80)
	case len(r.Missing) > 0 && r.Phase != checklist.PhasePreMerge:
		r.Watching = true
		r.Title = fmt.Sprintf("Merged ✅ — watching the %s: %d required item%s to go", strings.ToLower(r.Phase.Title()), len(r.Missing), plural(len(r.Missing)))
	case len(r.Missing) > 0:
		r.Title = fmt.Sprintf("Blocked: %d required item%s missing", len(r.Missing), plural(len(r.Missing)))
	default:
		r.Ready = true
		r.Title = "Ready"
		if r.Phase != checklist.PhasePreMerge {
			r.Title = "Live: post-go-live checks passing"
		}
	}
	return r
}

// CountsFor reports whether items of phase p count while the release is
// in phase active. Before the merge only pre-merge items count; after it,
// every post-go-live window counts, each evaluated over its own window.
func CountsFor(p, active checklist.Phase) bool {
	if active == checklist.PhasePreMerge {
		return p == checklist.PhasePreMerge
	}
	return p != checklist.PhasePreMerge
}

// evaluation is one Evaluate's work: what every item of a kind shares is
// computed once, when the first item needs it.
type evaluation struct {
	cfg *checklist.Config
	s   *State
	// head is the check results on the head commit, sorted by name.
	head    []CheckResult
	headSet bool
	// tickNotes are the notes of hand-ticked items made so far, per
	// tick_by list: items share a handful of lists.
	tickNotes []tickNote
}

type tickNote struct {
	by   []string // the item's tick_by; nil for the config's default
	note string
}

// headChecks indexes the results of the head commit: each check item
// looks only at those, in name order, instead of at every kept result.
func (ev *evaluation) headChecks() []CheckResult {
	if ev.headSet {
		return ev.head
	}
	ev.headSet = true
	for _, c := range ev.s.Checks {
		if c.SHA == ev.s.HeadSHA {
			ev.head = append(ev.head, c)
		}
	}
	slices.SortFunc(ev.head, func(a, b CheckResult) int { return strings.Compare(a.Name, b.Name) })
	return ev.head
}

func (ev *evaluation) manualNote(it *checklist.Item) string {
	for _, t := range ev.tickNotes {
		if (t.by == nil) == (it.TickBy == nil) && slices.Equal(t.by, it.TickBy) {
			return t.note
		}
	}
	note := "tick by " + strings.Join(tickers(ev.cfg, it), " or ")
	ev.tickNotes = append(ev.tickNotes, tickNote{by: it.TickBy, note: note})
	return note
}

func (ev *evaluation) item(e checklist.Entry, now time.Time) ItemReport {
	cfg, s := ev.cfg, ev.s
	it := e.Item
	ir := ItemReport{Entry: e, State: ItemPending}
	// An approval item is satisfied by its sign-off alone: a waiver of one
	// (restored from a ledger, written by an older golive) never counts.
	if w, ok := s.Waivers[it.ID]; ok && w.ActiveAt(now) && it.Source() != checklist.SourceApproval {
		ir.State = ItemWaived
		sum := "waived: " + w.Reason
		if !w.Expires.IsZero() {
			sum += " (until " + w.Expires.UTC().Format("2006-01-02 15:04 MST") + ")"
		}
		ir.Evidence = &Evidence{Source: "waiver", Summary: sum, Actor: w.By, At: w.At, URL: w.URL}
		return ir
	}
	if e.Phase != checklist.PhasePreMerge && s.Status != StatusMerged {
		ir.State = ItemLater
		ir.Note = "starts at the merge"
		return ir
	}
	switch it.Source() {
	case checklist.SourceManual:
		if t, ok := s.Manual[it.ID]; ok {
			ir.State = ItemDone
			ir.Evidence = &Evidence{Source: checklist.SourceManual, Summary: "ticked", Actor: t.By, At: t.At, SHA: t.SHA, URL: viaURL(t.Via)}
		} else {
			ir.Note = ev.manualNote(it)
		}
	case checklist.SourceCheck:
		evaluateCheck(s, ev.headChecks(), it.Evidence.Check, &ir)
	case checklist.SourceDeployment:
		evaluateDeploy(s, it.Evidence.Deployment, &ir)
	case checklist.SourceApproval:
		role := it.Evidence.Approval.Role
		if missing := missingBefore(cfg, s, role); len(missing) > 0 {
			ir.Note = "waiting for " + strings.Join(missing, ", ") + " before `/approve " + role + "`"
		} else if so, ok := ActiveSignoff(s, role); ok {
			ir.State = ItemDone
			ir.Evidence = &Evidence{Source: checklist.SourceApproval, Summary: "signed off as " + roleTitle(cfg, role), Actor: so.By, At: so.At, SHA: so.SHA, URL: so.URL}
		} else {
			ir.Note = "waiting for `/approve " + role + "`"
		}
		if ps := PendingFor(s, role); len(ps) > 0 && !ir.State.Satisfied() {
			ir.Note = pendingNote(cfg, s, ps[len(ps)-1])
		}
	case checklist.SourceProbe:
		evaluateProbe(s, e, now, &ir)
	case checklist.SourceMetric:
		evaluateMetric(s, e, now, &ir)
	}
	return ir
}

func viaURL(via string) string {
	if strings.HasPrefix(via, "https://") || strings.HasPrefix(via, "http://") {
		return via
	}
	return ""
}

// evaluateCheck judges a check item by the head's results matching its
// pattern and, when the item pins them, posted by the App or person it
// names, in name order: the first still running or failed decides;
// otherwise the latest success is the evidence. A result from another
// source is ignored, and the note says so.
func evaluateCheck(s *State, head []CheckResult, chk *checklist.Check, ir *ItemReport) {
	pattern := chk.Name
	matched := 0
	var ignored []string
	var last CheckResult
	for _, c := range head {
		if !checklist.NameGlob(pattern, c.Name) {
			continue
		}
		if why := unpinned(chk, c); why != "" {
			ignored = append(ignored, why)
			continue
		}
		matched++
		n := c.Name
		if c.Status != "completed" {
			ir.Note = "check `" + n + "` is " + strings.ReplaceAll(c.Status, "_", " ")
			return
		}
		if !c.Passed() {
			ir.State = ItemFailing
			ir.Note = "check `" + n + "` concluded " + c.Conclusion
			ir.Evidence = &Evidence{Source: checklist.SourceCheck, Summary: kindName(c) + " `" + n + "` " + c.Conclusion, URL: c.URL, At: c.At, SHA: c.SHA}
			return
		}
		if c.At.After(last.At) || last.Name == "" {
			last = c
		}
	}
	if matched == 0 {
		ir.Note = "waiting for check `" + pattern + "`"
		if s.HeadSHA != "" {
			ir.Note += " on " + short(s.HeadSHA)
		}
		if len(ignored) > 0 {
			slices.Sort(ignored)
			ir.Note += " (" + strings.Join(ignored, "; ") + ")"
		}
		return
	}
	ir.State = ItemDone
	sum := kindName(last) + " `" + last.Name + "` succeeded"
	if matched > 1 {
		sum = fmt.Sprintf("%d checks matching `%s` succeeded", matched, pattern)
	}
	ir.Evidence = &Evidence{Source: checklist.SourceCheck, Summary: sum, URL: last.URL, At: last.At, SHA: last.SHA}
}

func kindName(c CheckResult) string {
	if c.Kind == "status" {
		return "status"
	}
	return "check run"
}

func evaluateDeploy(s *State, d *checklist.Deployment, ir *ItemReport) {
	dr, ok := s.Deploys[d.Environment]
	if !ok {
		ir.Note = "waiting for a deployment to `" + d.Environment + "`"
		return
	}
	ev := &Evidence{Source: checklist.SourceDeployment, URL: dr.URL, Actor: dr.Creator, At: dr.At, SHA: dr.SHA}
	switch {
	case d.RequireSHA && dr.SHA != s.HeadSHA:
		ir.Note = "the last deployment to `" + d.Environment + "` is of " + short(dr.SHA) + ", not the head " + short(s.HeadSHA)
	case dr.State == "success":
		ir.State = ItemDone
		ev.Summary = "deployed to `" + d.Environment + "`"
		ir.Evidence = ev
	case dr.State == "failure" || dr.State == "error":
		ir.State = ItemFailing
		ev.Summary = "deployment to `" + d.Environment + "` " + dr.State
		ir.Evidence = ev
		ir.Note = ev.Summary
	default:
		ir.Note = "deployment to `" + d.Environment + "` is " + dr.State
	}
}

// ActiveSignoff returns the role's sign-off that still counts.
func ActiveSignoff(s *State, role string) (Signoff, bool) {
	for i := len(s.Signoffs) - 1; i >= 0; i-- {
		so := s.Signoffs[i]
		if so.Role == role && so.Active() {
			return so, true
		}
	}
	return Signoff{}, false
}

func roleTitle(cfg *checklist.Config, id string) string {
	if r, ok := cfg.Role(id); ok && r.Title != "" {
		return r.Title
	}
	return id
}

func tickers(cfg *checklist.Config, it *checklist.Item) []string {
	list := it.TickBy
	if list == nil {
		list = cfg.Defaults.TickBy
	}
	if len(list) == 0 {
		list = []string{"@write"}
	}
	out := make([]string, len(list))
	for i, p := range list {
		if strings.HasPrefix(p, "@") {
			out[i] = "anyone with " + p[1:] + " access"
		} else {
			out[i] = roleTitle(cfg, p)
		}
	}
	return out
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// Short abbreviates a commit SHA to seven characters.
func Short(sha string) string { return short(sha) }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// missingBefore lists the titles of the roles role waits for that have no
// active sign-off: a sign-off out of order never counts.
func missingBefore(cfg *checklist.Config, s *State, role string) []string {
	r, _ := cfg.Role(role)
	var out []string
	for _, before := range r.After {
		if _, ok := ActiveSignoff(s, before); !ok {
			out = append(out, roleTitle(cfg, before))
		}
	}
	return out
}
