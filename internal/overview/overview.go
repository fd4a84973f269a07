// Package overview builds the record of a release that people read: the
// dashboard's pages and the JSON and Markdown exports for
// change-management records. It answers the release manager's questions
// (what is blocked, on what, since when, waiting on whom) from the same
// evaluation the gate uses, so the page never disagrees with the check.
//
// It is pure: the state, the config and the moment come in; nothing here
// reads a clock, the network or Redis.
package overview

import (
	"slices"
	"sort"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// Release is the full record of one release at one moment.
type Release struct {
	Repo     string         `json:"repo"`
	PR       int            `json:"pr"`
	Title    string         `json:"title"`
	URL      string         `json:"url,omitempty"`
	IssueURL string         `json:"issue_url,omitempty"`
	Author   string         `json:"author"`
	HeadRef  string         `json:"head_ref"`
	BaseRef  string         `json:"base_ref"`
	HeadSHA  string         `json:"head_sha"`
	Status   release.Status `json:"status"`
	Phase    string         `json:"phase"`
	OpenedAt time.Time      `json:"opened_at"`
	MergedAt time.Time      `json:"merged_at,omitzero"`
	// At is the moment the record holds for.
	At      time.Time `json:"generated_at"`
	Verdict Verdict   `json:"verdict"`

	Hold *release.Hold `json:"hold,omitempty"`
	// Blockers are the required items of the active phase not satisfied,
	// failing ones first, then sign-offs, evidence from systems, hand ticks.
	Blockers []Blocker `json:"blockers"`
	// Tally sums the blockers up by kind: "2 failing, 5 sign-offs, …".
	Tally []Count `json:"tally"`
	// Signoffs are the roles the active phase asks for, given or not.
	Signoffs      []RoleStatus `json:"signoffs"`
	FailingProbes []Item       `json:"failing_probes"`
	Items         []Item       `json:"items"`
	// Ledger is every sign-off ever given, voided ones included.
	Ledger  []release.Signoff `json:"ledger"`
	Waivers []Waiver          `json:"waivers"`
	Probes  []Probe           `json:"probes"`
	// Audit is the trail, newest first, with item ids named by title.
	Audit          []AuditLine             `json:"audit"`
	ConfigProblems []release.ConfigProblem `json:"config_problems,omitempty"`
}

// Verdict is the gate's answer.
type Verdict struct {
	Ready bool `json:"ready"`
	// Watching: merged, the post-go-live window's items still to go.
	Watching bool   `json:"watching,omitempty"`
	Title    string `json:"title"`
	Done     int    `json:"done"`
	Total    int    `json:"total"`
}

// Percent is the share of the active phase's items satisfied.
func (v Verdict) Percent() int {
	if v.Total == 0 {
		return 100
	}
	return v.Done * 100 / v.Total
}

// Blocker is one required item the release waits for.
type Blocker struct {
	Item    string            `json:"item"`
	Title   string            `json:"title"`
	Section string            `json:"section"`
	State   release.ItemState `json:"state"`
	Source  checklist.Source  `json:"source"`
	// WaitsFor says what would satisfy it, and Since when it has waited:
	// a failing item since its failure, others since the release opened.
	WaitsFor string    `json:"waits_for"`
	Since    time.Time `json:"since"`
}

// Count is a number of blockers of one kind.
type Count struct {
	What string `json:"what"`
	N    int    `json:"n"`
}

// RoleStatus is a sign-off role the active phase needs.
type RoleStatus struct {
	Role  string `json:"role"`
	Title string `json:"title"`
	// Given is the active sign-off, if any.
	Given *release.Signoff `json:"given,omitempty"`
	// MayGive says who holds the role: users, teams, a permission.
	MayGive []string `json:"may_give"`
	// After are roles that must sign first.
	After []string `json:"after,omitempty"`
}

// Missing reports whether the role has not signed.
func (r RoleStatus) Missing() bool { return r.Given == nil }

// Item is one checklist line with its evidence.
type Item struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Section string `json:"section"`
	// SectionID is the config's id of the section.
	SectionID string            `json:"section_id"`
	Group     string            `json:"group"`
	Depth     int               `json:"depth,omitempty"`
	Phase     checklist.Phase   `json:"phase"`
	Required  bool              `json:"required"`
	Source    checklist.Source  `json:"source"`
	State     release.ItemState `json:"state"`
	Note      string            `json:"note,omitempty"`
	Evidence  *release.Evidence `json:"evidence,omitempty"`
	// Blocks says the item keeps the release from being ready now.
	Blocks bool `json:"blocks"`
	// Why explains, in a sentence, why the item blocks the release or
	// lets it through (see why.go).
	Why string `json:"why"`
}

// Waiver is an item excused, with why and until when.
type Waiver struct {
	Item      string    `json:"item"`
	ItemTitle string    `json:"item_title"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
	Reason    string    `json:"reason"`
	Expires   time.Time `json:"expires,omitzero"`
	Active    bool      `json:"active"`
	URL       string    `json:"url,omitempty"`
}

// Probe is an item's probe with its recent history.
type Probe struct {
	Item   string                `json:"item"`
	Title  string                `json:"title"`
	Kind   string                `json:"kind"`
	Target string                `json:"target"`
	Last   release.ProbeResult   `json:"last"`
	Runs   int                   `json:"runs"`
	OK     int                   `json:"ok"`
	P95    time.Duration         `json:"p95"`
	Hist   []release.ProbeResult `json:"history"`
	Chart  Chart                 `json:"-"`
}

// Build evaluates the release at now and gathers its record.
func Build(cfg *checklist.Config, s *release.State, issueURL string, now time.Time) *Release {
	rep := release.Evaluate(cfg, s, now)
	r := &Release{
		Repo: s.Key.FullRepo(), PR: s.Key.PR, Title: s.Title, URL: s.URL, IssueURL: issueURL,
		Author: s.Author, HeadRef: s.HeadRef, BaseRef: s.BaseRef, HeadSHA: s.HeadSHA, Status: s.Status,
		Phase: rep.Phase.Title(), OpenedAt: s.OpenedAt, MergedAt: s.MergedAt, At: now,
		Verdict:  Verdict{Ready: rep.Ready, Watching: rep.Watching, Title: rep.Title, Done: rep.Done, Total: rep.Total},
		Hold:     s.Hold,
		Blockers: []Blocker{}, Signoffs: []RoleStatus{}, FailingProbes: []Item{}, Items: []Item{},
		Ledger: slices.Clone(s.Signoffs), Waivers: []Waiver{}, Probes: []Probe{}, Audit: []AuditLine{},
		ConfigProblems: s.ConfigProblems,
	}
	if r.Ledger == nil {
		r.Ledger = []release.Signoff{}
	}
	sort.SliceStable(r.Ledger, func(i, j int) bool { return r.Ledger[i].At.Before(r.Ledger[j].At) })
	titles := map[string]string{}
	seenRole := map[string]bool{}
	blocks := map[string]bool{}
	for _, m := range rep.Missing {
		blocks[m.Item.ID] = true
	}
	for _, ir := range rep.Items {
		it := itemOf(ir)
		it.Blocks = blocks[it.ID]
		it.Why = why(it, s.Waivers, rep.Phase, now)
		titles[it.ID] = it.Title
		r.Items = append(r.Items, it)
		if it.Source == checklist.SourceApproval && release.CountsFor(ir.Phase, rep.Phase) {
			role := ir.Item.Evidence.Approval.Role
			if !seenRole[role] {
				seenRole[role] = true
				r.Signoffs = append(r.Signoffs, roleStatus(cfg, s, role))
			}
		}
		if it.Source == checklist.SourceProbe && it.State == release.ItemFailing {
			r.FailingProbes = append(r.FailingProbes, it)
		}
		if it.Source == checklist.SourceProbe {
			r.Probes = append(r.Probes, probeOf(ir, s.Probes[it.ID]))
		}
	}
	for _, m := range rep.Missing {
		b := Blocker{Item: m.Item.ID, Title: m.Item.Title, Section: m.Section.Title, State: m.State, Source: m.Item.Source(), WaitsFor: m.Note, Since: s.OpenedAt}
		if m.State == release.ItemFailing && m.Evidence != nil && !m.Evidence.At.IsZero() {
			b.Since = m.Evidence.At
			if b.WaitsFor == "" {
				b.WaitsFor = m.Evidence.Summary
			}
		}
		if b.WaitsFor == "" {
			b.WaitsFor = "evidence"
		}
		r.Blockers = append(r.Blockers, b)
	}
	sort.SliceStable(r.Blockers, func(i, j int) bool { return blockerRank(r.Blockers[i]) < blockerRank(r.Blockers[j]) })
	r.Tally = tally(r.Blockers)
	ids := make([]string, 0, len(s.Waivers))
	for id := range s.Waivers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		w := s.Waivers[id]
		title := titles[id]
		if title == "" {
			title = id
		}
		r.Waivers = append(r.Waivers, Waiver{Item: id, ItemTitle: title, By: w.By, At: w.At, Reason: w.Reason, Expires: w.Expires, Active: w.ActiveAt(now), URL: w.URL})
	}
	for i := len(s.Audit) - 1; i >= 0; i-- {
		r.Audit = append(r.Audit, auditLine(s.Audit[i], titles))
	}
	return r
}

// blockerRank orders blockers by what most needs someone: a failure, then
// a person's sign-off, then evidence a system owes, then hand ticks.
func blockerRank(b Blocker) int {
	if b.State == release.ItemFailing {
		return 0
	}
	switch b.Source {
	case checklist.SourceApproval:
		return 1
	case checklist.SourceCheck, checklist.SourceDeployment, checklist.SourceProbe, checklist.SourceMetric:
		return 2
	}
	return 3
}

func tally(bs []Blocker) []Count {
	names := []string{"failing", "sign-offs", "CI checks", "deployments", "probes", "hand ticks"}
	n := make([]int, len(names))
	for _, b := range bs {
		switch {
		case b.State == release.ItemFailing:
			n[0]++
		case b.Source == checklist.SourceApproval:
			n[1]++
		case b.Source == checklist.SourceCheck:
			n[2]++
		case b.Source == checklist.SourceDeployment:
			n[3]++
		case b.Source == checklist.SourceProbe, b.Source == checklist.SourceMetric:
			n[4]++
		default:
			n[5]++
		}
	}
	out := []Count{}
	for i, name := range names {
		if n[i] > 0 {
			out = append(out, Count{What: name, N: n[i]})
		}
	}
	return out
}

func itemOf(ir release.ItemReport) Item {
	return Item{
		ID: ir.Item.ID, Title: ir.Item.Title, Section: ir.Section.Title, SectionID: ir.Section.ID, Group: ir.Group.Title, Depth: ir.Depth,
		Phase: ir.Phase, Required: ir.Item.IsRequired(), Source: ir.Item.Source(), State: ir.State, Note: ir.Note, Evidence: ir.Evidence,
	}
}

func roleStatus(cfg *checklist.Config, s *release.State, id string) RoleStatus {
	rs := RoleStatus{Role: id, Title: id, MayGive: []string{}}
	if so, ok := release.ActiveSignoff(s, id); ok {
		rs.Given = &so
	}
	role, ok := cfg.Role(id)
	if !ok {
		rs.MayGive = append(rs.MayGive, "nobody: the config names no such role")
		return rs
	}
	rs.Title, rs.After = role.Title, role.After
	for _, u := range role.Users {
		rs.MayGive = append(rs.MayGive, "@"+u)
	}
	for _, t := range role.Teams {
		rs.MayGive = append(rs.MayGive, "@"+t)
	}
	if role.Permission != "" {
		rs.MayGive = append(rs.MayGive, "anyone with "+role.Permission+" access")
	}
	if len(rs.MayGive) == 0 {
		rs.MayGive = append(rs.MayGive, "nobody: the role lists no users, teams or permission")
	}
	return rs
}

func probeOf(ir release.ItemReport, h release.ProbeHistory) Probe {
	p := ir.Item.Evidence.Probe
	pr := Probe{Item: ir.Item.ID, Title: ir.Item.Title, Kind: p.Kind(), Target: target(p), Last: h.Last}
	if !h.Last.At.IsZero() {
		pr.Hist = append(slices.Clone(h.History), h.Last)
	}
	// The chart and the figures cover the last ChartRuns runs: enough to
	// see a trend, small enough for a page (history keeps up to 3,000).
	if len(pr.Hist) > ChartRuns {
		pr.Hist = pr.Hist[len(pr.Hist)-ChartRuns:]
	}
	if pr.Hist == nil {
		pr.Hist = []release.ProbeResult{}
	}
	if len(pr.Hist) > 0 {
		w := release.Window(pr.Hist, pr.Hist[0].At, pr.Hist[len(pr.Hist)-1].At.Add(time.Nanosecond))
		pr.Runs, pr.OK, pr.P95 = w.Runs, w.OK, w.P95
	}
	pr.Chart = DrawChart(pr.Hist)
	return pr
}

// ChartRuns is how many recent probe runs a record shows.
const ChartRuns = 120

func target(p *checklist.Probe) string {
	switch {
	case p.HTTP != nil:
		return p.HTTP.URL
	case p.TLS != nil:
		return p.TLS.Host
	case p.DNS != nil:
		return p.DNS.Type + " " + p.DNS.Name
	case p.TCP != nil:
		return p.TCP.Address
	}
	return ""
}

// WaitingOn returns the missing sign-offs among roles: those a viewer
// could give now.
func (r *Release) WaitingOn(roles []string) []RoleStatus {
	var out []RoleStatus
	for _, s := range r.Signoffs {
		if s.Missing() && slices.Contains(roles, s.Role) {
			out = append(out, s)
		}
	}
	return out
}

// MissingSignoffs are the roles that have not signed.
func (r *Release) MissingSignoffs() []RoleStatus {
	var out []RoleStatus
	for _, s := range r.Signoffs {
		if s.Missing() {
			out = append(out, s)
		}
	}
	return out
}
