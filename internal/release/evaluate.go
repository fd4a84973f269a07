package release

import (
	"fmt"
	"sort"
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
	Title       string
	Hold        *Hold
	Phase       checklist.Phase
}

// Evaluate computes every item's state and the verdict. It is pure: now is
// the moment the evaluation holds for.
func Evaluate(cfg *checklist.Config, s *State, now time.Time) Report {
	r := Report{Phase: s.Phase(), Hold: s.Hold}
	for _, e := range cfg.Flatten() {
		ir := evaluateItem(cfg, s, e, now)
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
	switch {
	case len(s.ConfigProblems) > 0:
		r.Title = fmt.Sprintf("Config error: %d problem%s in .github/golive.yml", len(s.ConfigProblems), plural(len(s.ConfigProblems)))
	case s.Hold != nil:
		r.Title = "On hold: " + oneLine(s.Hold.Reason, 80)
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

func evaluateItem(cfg *checklist.Config, s *State, e checklist.Entry, now time.Time) ItemReport {
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
			ir.Note = "tick by " + strings.Join(tickers(cfg, it), " or ")
		}
	case checklist.SourceCheck:
		evaluateCheck(s, it.Evidence.Check, &ir)
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

func evaluateCheck(s *State, chk *checklist.Check, ir *ItemReport) {
	pattern := chk.Name
	names := make([]string, 0, len(s.Checks))
	var ignored []string
	for _, c := range s.Checks {
		if c.SHA != s.HeadSHA || !checklist.NameGlob(pattern, c.Name) {
			continue
		}
		if why := unpinned(chk, c); why != "" {
			ignored = append(ignored, why)
			continue
		}
		names = append(names, c.Name)
	}
	sort.Strings(names)
	if len(names) == 0 {
		ir.Note = "waiting for check `" + pattern + "` on " + short(s.HeadSHA)
		if len(ignored) > 0 {
			sort.Strings(ignored)
			ir.Note += " (" + strings.Join(ignored, "; ") + ")"
		}
		return
	}
	var last CheckResult
	for _, n := range names {
		c := s.Checks[checkKey(n, s.HeadSHA)]
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
	ir.State = ItemDone
	sum := kindName(last) + " `" + last.Name + "` succeeded"
	if len(names) > 1 {
		sum = fmt.Sprintf("%d checks matching `%s` succeeded", len(names), pattern)
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
