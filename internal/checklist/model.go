// Package checklist is golive's configuration model: the release matcher,
// the sign-off roles, the separation-of-duties rules and the checklist of
// sections, groups and items with their evidence sources.
//
// It is pure: it parses bytes it is handed, validates and merges layers, and
// never reads a file, the network or the clock.
package checklist

import "time"

// Phase says when an item must hold: before the merge, or in one of the
// post-go-live windows measured from the merge.
type Phase string

// The phases, in the order a release passes through them.
const (
	PhasePreMerge Phase = "pre-merge"
	Phase24h      Phase = "24h"
	Phase7d       Phase = "7d"
	Phase30d      Phase = "30d"
)

// Phases lists every phase in order.
var Phases = []Phase{PhasePreMerge, Phase24h, Phase7d, Phase30d}

// Window is how long a post-go-live phase lasts after the merge; zero for
// pre-merge.
func (p Phase) Window() time.Duration {
	switch p {
	case Phase24h:
		return 24 * time.Hour
	case Phase7d:
		return 7 * 24 * time.Hour
	case Phase30d:
		return 30 * 24 * time.Hour
	}
	return 0
}

// Title is the human name of the phase.
func (p Phase) Title() string {
	switch p {
	case PhasePreMerge:
		return "Before merge"
	case Phase24h:
		return "First 24 hours"
	case Phase7d:
		return "First week"
	case Phase30d:
		return "First month"
	}
	return string(p)
}

// Valid reports whether p is a known phase.
func (p Phase) Valid() bool {
	for _, q := range Phases {
		if p == q {
			return true
		}
	}
	return false
}

// Source names the kind of evidence that ticks an item.
type Source string

// The evidence sources.
const (
	SourceManual     Source = "manual"
	SourceCheck      Source = "check"
	SourceDeployment Source = "deployment"
	SourceProbe      Source = "probe"
	SourceMetric     Source = "metric"
	SourceApproval   Source = "approval"
)

// Config is one resolved configuration: the built-in default with the org
// and repo layers merged over it.
type Config struct {
	Version  int       `yaml:"version" json:"version"`
	Release  Matcher   `yaml:"release" json:"release"`
	Roles    []Role    `yaml:"roles" json:"roles"`
	Rules    Rules     `yaml:"rules" json:"rules"`
	Defaults Defaults  `yaml:"defaults" json:"defaults"`
	Sections []Section `yaml:"sections" json:"sections"`
	// Environments gate deployments (GitHub's deployment protection
	// rules): each names what must be complete before deploying there.
	Environments map[string]EnvGate `yaml:"environments,omitempty" json:"environments,omitempty"`
	// Freezes are change freezes (freeze.go).
	Freezes []Freeze `yaml:"freezes,omitempty" json:"freezes,omitempty"`

	flat []Entry // Entries, built by Resolve (index.go)
	// Vars are the values probe targets name as ${vars.NAME}.
	Vars map[string]string `yaml:"vars,omitempty" json:"vars,omitempty"`
}

// EnvGate is what a deployment to one environment waits for: the
// required pre-merge items of the sections listed, or, with no sections,
// the whole pre-merge verdict (sign-offs and holds included).
type EnvGate struct {
	Sections []string `yaml:"sections,omitempty" json:"sections,omitempty"`
}

// Matcher decides which pull requests are release PRs. A PR is a release
// PR when its base branch matches BaseBranches (if any are given) and at
// least one of HeadBranches, Labels or Title matches.
type Matcher struct {
	HeadBranches []string `yaml:"head_branches,omitempty" json:"head_branches,omitempty"`
	Labels       []string `yaml:"labels,omitempty" json:"labels,omitempty"`
	Title        string   `yaml:"title,omitempty" json:"title,omitempty"`
	BaseBranches []string `yaml:"base_branches,omitempty" json:"base_branches,omitempty"`
}

// Role is a sign-off role such as Security Review.
type Role struct {
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title"`
	// Teams are "org/team-slug" names whose members hold the role.
	Teams []string `yaml:"teams,omitempty" json:"teams,omitempty"`
	// Users are logins that hold the role.
	Users []string `yaml:"users,omitempty" json:"users,omitempty"`
	// Permission, when set, grants the role to everyone with at least this
	// repository permission (read, triage, write, maintain, admin).
	Permission string `yaml:"permission,omitempty" json:"permission,omitempty"`
	// InvalidateOnPush voids this role's sign-off when the PR head changes
	// to a different tree.
	InvalidateOnPush *bool `yaml:"invalidate_on_push,omitempty" json:"invalidate_on_push,omitempty"`
	// InvalidateOn scopes the voiding to pushes that change files matching
	// one of these globs ("migrations/**"); it implies invalidation.
	InvalidateOn []string `yaml:"invalidate_on,omitempty" json:"invalidate_on,omitempty"`
	// After lists roles whose sign-offs must exist before this one.
	After []string `yaml:"after,omitempty" json:"after,omitempty"`
	// RemindAfter, when set, mentions the role's teams in golive's PR
	// comment once its sign-off has been awaited that long; RemindEvery
	// renews the mention (remind.go).
	RemindAfter Duration `yaml:"remind_after,omitempty" json:"remind_after,omitempty"`
	RemindEvery Duration `yaml:"remind_every,omitempty" json:"remind_every,omitempty"`
	// Locked, set by an org layer, keeps the role as the org wrote it.
	Locked bool `yaml:"locked,omitempty" json:"locked,omitempty"`

	o origin
}

// Invalidates reports whether a push voids this role's sign-off.
func (r Role) Invalidates() bool {
	return (r.InvalidateOnPush != nil && *r.InvalidateOnPush) || len(r.InvalidateOn) > 0
}

// Rules are the separation-of-duties rules. Each defaults to the strict
// choice.
type Rules struct {
	// AuthorMaySign lets the PR author give sign-offs.
	AuthorMaySign *bool `yaml:"author_may_sign,omitempty" json:"author_may_sign,omitempty"`
	// PusherMaySign lets the last pusher of the PR head give sign-offs.
	PusherMaySign *bool `yaml:"pusher_may_sign,omitempty" json:"pusher_may_sign,omitempty"`
	// OnePersonOneRole forbids one person from holding two sign-offs of a
	// release.
	OnePersonOneRole *bool `yaml:"one_person_one_role,omitempty" json:"one_person_one_role,omitempty"`
	// UnholdBy lists who, besides the one who held, may lift a hold: role
	// ids or @permissions. Default @maintain. The PR author never may
	// unless AuthorMaySign.
	UnholdBy []string `yaml:"unhold_by,omitempty" json:"unhold_by,omitempty"`
	// Locked, set by an org layer, keeps the rules as the org wrote them.
	Locked bool `yaml:"locked,omitempty" json:"locked,omitempty"`

	lockFile string // the file that locked them
}

// Unholders returns UnholdBy, or its default.
func (r Rules) Unholders() []string {
	if r.UnholdBy == nil {
		return []string{"@maintain"}
	}
	return r.UnholdBy
}

// AuthorMay reports whether the PR author may sign off.
func (r Rules) AuthorMay() bool { return r.AuthorMaySign != nil && *r.AuthorMaySign }

// PusherMay reports whether the last pusher may sign off.
func (r Rules) PusherMay() bool { return r.PusherMaySign != nil && *r.PusherMaySign }

// OneRole reports whether one person may hold only one role per release.
func (r Rules) OneRole() bool { return r.OnePersonOneRole == nil || *r.OnePersonOneRole }

// Defaults hold who may tick and waive items that do not say.
type Defaults struct {
	// TickBy lists who may tick manual items by hand: role ids, or a
	// permission written as "@write", "@maintain" or "@admin".
	TickBy []string `yaml:"tick_by,omitempty" json:"tick_by,omitempty"`
	// WaiveBy lists who may waive items, in the same form.
	WaiveBy []string `yaml:"waive_by,omitempty" json:"waive_by,omitempty"`

	o origin
}

// Section is a top-level heading of the checklist.
type Section struct {
	ID     string  `yaml:"id" json:"id"`
	Title  string  `yaml:"title" json:"title"`
	Phase  Phase   `yaml:"phase,omitempty" json:"phase,omitempty"`
	Groups []Group `yaml:"groups" json:"groups"`

	o origin
}

// Group is a sub-heading of a section.
type Group struct {
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title"`
	Phase Phase  `yaml:"phase,omitempty" json:"phase,omitempty"`
	Items []Item `yaml:"items" json:"items"`

	o origin
}

// Item is one checklist line.
type Item struct {
	ID       string `yaml:"id" json:"id"`
	Title    string `yaml:"title" json:"title"`
	Required *bool  `yaml:"required,omitempty" json:"required,omitempty"`
	Phase    Phase  `yaml:"phase,omitempty" json:"phase,omitempty"`
	// TickBy overrides Defaults.TickBy for this item.
	TickBy []string `yaml:"tick_by,omitempty" json:"tick_by,omitempty"`
	// WaiveBy overrides Defaults.WaiveBy for this item.
	WaiveBy  []string  `yaml:"waive_by,omitempty" json:"waive_by,omitempty"`
	Evidence *Evidence `yaml:"evidence,omitempty" json:"evidence,omitempty"`
	// Items are sub-items shown nested under this one. Each is an item of
	// its own with its own evidence.
	Items []Item `yaml:"items,omitempty" json:"items,omitempty"`
	// Locked, set by an org layer, keeps the item as the org wrote it.
	Locked bool `yaml:"locked,omitempty" json:"locked,omitempty"`

	o origin
}

// IsRequired reports whether the gate waits for the item; items are
// required unless they say otherwise.
func (it Item) IsRequired() bool { return it.Required == nil || *it.Required }

// Source returns the kind of evidence that ticks the item.
func (it Item) Source() Source {
	if it.Evidence == nil {
		return SourceManual
	}
	return it.Evidence.Source()
}

// Evidence holds exactly one evidence source and its parameters.
type Evidence struct {
	Manual     *Manual     `yaml:"manual,omitempty" json:"manual,omitempty"`
	Check      *Check      `yaml:"check,omitempty" json:"check,omitempty"`
	Deployment *Deployment `yaml:"deployment,omitempty" json:"deployment,omitempty"`
	Probe      *Probe      `yaml:"probe,omitempty" json:"probe,omitempty"`
	Metric     *Metric     `yaml:"metric,omitempty" json:"metric,omitempty"`
	Approval   *Approval   `yaml:"approval,omitempty" json:"approval,omitempty"`
	// Unconfigured, set on resolving, says why a probe item is manual:
	// its probe names a variable no layer set.
	Unconfigured string `yaml:"-" json:"unconfigured,omitempty"`
}

// Source returns which source is set (manual when none is).
func (e Evidence) Source() Source {
	switch {
	case e.Check != nil:
		return SourceCheck
	case e.Deployment != nil:
		return SourceDeployment
	case e.Probe != nil:
		return SourceProbe
	case e.Metric != nil:
		return SourceMetric
	case e.Approval != nil:
		return SourceApproval
	}
	return SourceManual
}

// Manual evidence is a tick by a permitted person.
type Manual struct{}

// Check evidence is a check run or commit status on the PR head.
type Check struct {
	// Name is a glob matched against check run names and status contexts.
	// Every check run or status that matches must succeed, and at least
	// one must exist.
	Name string `yaml:"name" json:"name"`
	// App pins check runs to the GitHub App that created them: its slug
	// (github-actions) or numeric id. Creator pins commit statuses to the
	// login that posted them. With either set, only results from the
	// sources named count: a check run needs App, a status needs Creator.
	App     string `yaml:"app,omitempty" json:"app,omitempty"`
	Creator string `yaml:"creator,omitempty" json:"creator,omitempty"`
}

// Pinned reports whether the item names the sources whose results count.
func (c Check) Pinned() bool { return c.App != "" || c.Creator != "" }

// Deployment evidence is a successful deployment status.
type Deployment struct {
	Environment string `yaml:"environment" json:"environment"`
	// RequireSHA counts only deployments of the PR head commit.
	RequireSHA bool `yaml:"require_sha,omitempty" json:"require_sha,omitempty"`
}

// Approval evidence is a sign-off by a role.
type Approval struct {
	Role string `yaml:"role" json:"role"`
}

// Probe evidence is a probe of a live endpoint. Exactly one of HTTP, TLS,
// DNS and TCP is set.
type Probe struct {
	HTTP *HTTPProbe `yaml:"http,omitempty" json:"http,omitempty"`
	TLS  *TLSProbe  `yaml:"tls,omitempty" json:"tls,omitempty"`
	DNS  *DNSProbe  `yaml:"dns,omitempty" json:"dns,omitempty"`
	TCP  *TCPProbe  `yaml:"tcp,omitempty" json:"tcp,omitempty"`
	// Interval between probe runs; default 5m.
	Interval Duration `yaml:"interval,omitempty" json:"interval,omitempty"`
	// MaxAge is how long a success counts; default three intervals.
	MaxAge Duration `yaml:"max_age,omitempty" json:"max_age,omitempty"`
	// Timeout of one probe run; default 10s.
	Timeout Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
	// Window sets what a post-go-live item needs over its phase's window.
	Window *Window `yaml:"window,omitempty" json:"window,omitempty"`
}

// Kind names the probe kind that is set.
func (p Probe) Kind() string {
	switch {
	case p.HTTP != nil:
		return "http"
	case p.TLS != nil:
		return "tls"
	case p.DNS != nil:
		return "dns"
	case p.TCP != nil:
		return "tcp"
	}
	return ""
}

// Window is the expectation over a post-go-live window's history.
type Window struct {
	// MinSuccess is the fraction of successful runs needed, e.g. 0.995.
	MinSuccess float64 `yaml:"min_success" json:"min_success"`
	// MaxP95 is the highest acceptable 95th-percentile latency.
	MaxP95 Duration `yaml:"max_p95,omitempty" json:"max_p95,omitempty"`
}

// HTTPProbe requests a URL and checks the answer.
type HTTPProbe struct {
	URL    string `yaml:"url" json:"url"`
	Method string `yaml:"method,omitempty" json:"method,omitempty"`
	// Status lists accepted status codes; default 200–399.
	Status     []int    `yaml:"status,omitempty" json:"status,omitempty"`
	Body       string   `yaml:"body,omitempty" json:"body,omitempty"`
	MaxLatency Duration `yaml:"max_latency,omitempty" json:"max_latency,omitempty"`
	// Headers name server-side secrets by reference: the value is the name
	// of a secret the server holds, never the secret itself.
	Headers map[string]SecretRef `yaml:"headers,omitempty" json:"headers,omitempty"`
}

// SecretRef names a secret the golive server holds.
type SecretRef struct {
	Secret string `yaml:"secret" json:"secret"`
}

// TLSProbe checks a certificate chain.
type TLSProbe struct {
	// Host is "host" or "host:port" (port 443 by default).
	Host string `yaml:"host" json:"host"`
	// ServerName overrides the SNI and the name checked.
	ServerName string `yaml:"server_name,omitempty" json:"server_name,omitempty"`
	MinDays    int    `yaml:"min_days,omitempty" json:"min_days,omitempty"`
	// CA was a path on golive's machine; it is refused (repo config never
	// names local files). Use CAPEM or CAName.
	CA string `yaml:"ca,omitempty" json:"ca,omitempty"`
	// CAPEM is a PEM bundle given inline, used instead of the system roots.
	CAPEM string `yaml:"ca_pem,omitempty" json:"ca_pem,omitempty"`
	// CAName names a bundle in the operator's GOLIVE_PROBE_CA_DIR.
	CAName string `yaml:"ca_name,omitempty" json:"ca_name,omitempty"`
}

// DNSProbe resolves a name and compares the records.
type DNSProbe struct {
	Name string `yaml:"name" json:"name"`
	Type string `yaml:"type" json:"type"`
	// Values that must all be present; empty means any answer will do.
	Values   []string `yaml:"values,omitempty" json:"values,omitempty"`
	Resolver string   `yaml:"resolver,omitempty" json:"resolver,omitempty"`
}

// TCPProbe connects to an address.
type TCPProbe struct {
	Address string `yaml:"address" json:"address"`
}

// Flatten returns every item of the config, sub-items after their parent,
// each with its section, group and effective phase.
func (c *Config) Flatten() []Entry {
	var out []Entry
	for si := range c.Sections {
		s := &c.Sections[si]
		for gi := range s.Groups {
			g := &s.Groups[gi]
			phase := firstPhase(g.Phase, s.Phase, PhasePreMerge)
			var walk func(items []Item, depth int, parent string)
			walk = func(items []Item, depth int, parent string) {
				for ii := range items {
					it := &items[ii]
					out = append(out, Entry{
						Item:    it,
						Section: s,
						Group:   g,
						Phase:   firstPhase(it.Phase, phase),
						Depth:   depth,
						Parent:  parent,
					})
					walk(it.Items, depth+1, it.ID)
				}
			}
			walk(g.Items, 0, "")
		}
	}
	return out
}

// Entry is an item in its place in the checklist.
type Entry struct {
	Item    *Item
	Section *Section
	Group   *Group
	Phase   Phase
	Depth   int
	Parent  string
}

// Role returns the role with the given id.
func (c *Config) Role(id string) (Role, bool) {
	for _, r := range c.Roles {
		if r.ID == id {
			return r, true
		}
	}
	return Role{}, false
}

func firstPhase(ps ...Phase) Phase {
	for _, p := range ps {
		if p != "" {
			return p
		}
	}
	return PhasePreMerge
}
