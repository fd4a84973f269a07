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
