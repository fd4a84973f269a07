package checklist

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// appPattern is a GitHub App slug or id; loginPattern a user or bot login.
var (
	appPattern   = regexp.MustCompile(`^([a-z0-9][a-z0-9-]{0,33}|[0-9]{1,12})$`)
	loginPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,38}(\[bot\])?$`)
)

// Permissions lists GitHub's repository permission levels, weakest first.
var Permissions = []string{"read", "triage", "write", "maintain", "admin"}

// PermissionRank orders permission levels; -1 for an unknown level.
func PermissionRank(p string) int {
	for i, q := range Permissions {
		if q == p {
			return i
		}
	}
	return -1
}

// Bounds of probe settings. A probe run never holds a worker for more than
// an hour, and a certificate is never asked to live longer than ten years.
const (
	MaxProbeTimeout  = time.Hour
	MaxProbeInterval = 24 * time.Hour
	MaxMinDays       = 3650
)

// check finds the mistakes visible in one file on its own.
func (f *File) check() Problems {
	var ps Problems
	add := func(p Pos, format string, args ...any) {
		ps = append(ps, Problem{Pos: p, Msg: fmt.Sprintf(format, args...)})
	}
	if _, ok := f.idx.at["version"]; !ok {
		add(f.idx.pos(""), "version is missing; add \"version: 1\" at the top")
	} else if f.Version != 1 {
		add(f.idx.pos("version"), "version must be 1 (got %d)", f.Version)
	}
	f.checkVars(add)
	f.checkFreezes(add)
	if m := f.Release; m != nil {
		for i, g := range m.HeadBranches {
			if _, err := path.Match(g, ""); err != nil {
				add(f.idx.pos("release.head_branches."+strconv.Itoa(i)), "bad glob %q in head_branches: %v", g, err)
			}
		}
		for i, g := range m.BaseBranches {
			if _, err := path.Match(g, ""); err != nil {
				add(f.idx.pos("release.base_branches."+strconv.Itoa(i)), "bad glob %q in base_branches: %v", g, err)
			}
		}
		if m.Title != "" {
			if _, err := regexp.Compile(m.Title); err != nil {
				add(f.idx.pos("release.title"), "bad title regex %q: %v", m.Title, err)
			}
		}
	}
	roleSeen := map[string]Pos{}
	for _, r := range f.Roles {
		if !idPattern.MatchString(r.ID) {
			add(r.o.at("id"), "role id %q must be lower case letters, digits, '.', '_' or '-' (at most 64)", r.ID)
		} else if p, dup := roleSeen[r.ID]; dup {
			add(r.o.at("id"), "duplicate role id %q (first at %s)", r.ID, p)
		}
		roleSeen[r.ID] = r.o.at("id")
		if r.Permission != "" && PermissionRank(r.Permission) < 0 {
			add(r.o.at("permission"), "unknown permission %q; want one of %s", r.Permission, strings.Join(Permissions, ", "))
		}
		if r.InvalidateOnPush != nil && !*r.InvalidateOnPush && len(r.InvalidateOn) > 0 {
			add(r.o.at("invalidate_on"), "role %q: invalidate_on contradicts invalidate_on_push: false", r.ID)
		}
		for i, g := range r.InvalidateOn {
			if err := checkPathGlob(g); err != nil {
				add(r.o.at("invalidate_on."+strconv.Itoa(i)), "role %q: bad path glob %q in invalidate_on: %v", r.ID, g, err)
			}
		}
		checkReminder(add, r)
		for i, t := range r.Teams {
			if org, slug, ok := strings.Cut(t, "/"); !ok || org == "" || slug == "" || strings.Contains(slug, "/") {
				add(r.o.at("teams."+strconv.Itoa(i)), "team %q must be written ORG/TEAM-SLUG", t)
			}
		}
	}
	secSeen := map[string]Pos{}
	groupSeen := map[string]Pos{}
	itemSeen := map[string]Pos{}
	for _, s := range f.Sections {
		if !idPattern.MatchString(s.ID) {
			add(s.o.at("id"), "section id %q must be lower case letters, digits, '.', '_' or '-'", s.ID)
		} else if p, dup := secSeen[s.ID]; dup {
			add(s.o.at("id"), "duplicate section id %q (first at %s)", s.ID, p)
		}
		secSeen[s.ID] = s.o.at("id")
		checkPhase(&ps, s.o, s.Phase)
		for _, g := range s.Groups {
			if !idPattern.MatchString(g.ID) {
				add(g.o.at("id"), "group id %q must be lower case letters, digits, '.', '_' or '-'", g.ID)
			} else if p, dup := groupSeen[g.ID]; dup {
				add(g.o.at("id"), "duplicate group id %q (first at %s)", g.ID, p)
			}
			groupSeen[g.ID] = g.o.at("id")
			checkPhase(&ps, g.o, g.Phase)
			checkItems(&ps, g.Items, itemSeen, 0, true)
		}
	}
	for id, it := range f.Override {
		if it.ID != "" && it.ID != id {
			add(it.o.at("id"), "override %q may not change the item id to %q", id, it.ID)
		}
		if len(it.Items) > 0 {
			add(it.o.at("items"), "override %q may not add sub-items; add them in a section instead", id)
		}
		checkPhase(&ps, it.o, it.Phase)
		if it.ID == "" {
			it.ID = id // name the overridden item in messages
		}
		checkEvidence(&ps, it)
	}
	return ps
}

func checkPhase(ps *Problems, o origin, p Phase) {
	if p != "" && !p.Valid() {
		*ps = append(*ps, Problem{Pos: o.at("phase"), Msg: fmt.Sprintf("unknown phase %q; want one of pre-merge, 24h, 7d, 30d", p)})
	}
}

func checkItems(ps *Problems, items []Item, seen map[string]Pos, depth int, top bool) {
	add := func(p Pos, format string, args ...any) {
		*ps = append(*ps, Problem{Pos: p, Msg: fmt.Sprintf(format, args...)})
	}
	for _, it := range items {
		if !idPattern.MatchString(it.ID) {
			add(it.o.at("id"), "item id %q must be lower case letters, digits, '.', '_' or '-' (at most 64)", it.ID)
		} else if p, dup := seen[it.ID]; dup {
			add(it.o.at("id"), "duplicate item id %q (first at %s)", it.ID, p)
		}
		seen[it.ID] = it.o.at("id")
		if strings.TrimSpace(it.Title) == "" {
			add(it.o.at("title"), "item %q has no title", it.ID)
		} else if strings.ContainsAny(it.Title, "\n\r") {
			add(it.o.at("title"), "item %q title must be one line", it.ID)
		}
		checkPhase(ps, it.o, it.Phase)
		checkEvidence(ps, it)
		if len(it.Items) > 0 && depth >= 1 {
			add(it.o.at("items"), "item %q: sub-items may nest only one level deep", it.ID)
			continue
		}
		checkItems(ps, it.Items, seen, depth+1, false)
	}
}

func checkEvidence(ps *Problems, it Item) {
	add := func(field, format string, args ...any) {
		*ps = append(*ps, Problem{Pos: it.o.at(field), Msg: fmt.Sprintf(format, args...)})
	}
	e := it.Evidence
	if e == nil {
		return
	}
	n := 0
	for _, set := range []bool{e.Manual != nil, e.Check != nil, e.Deployment != nil, e.Probe != nil, e.Metric != nil, e.Approval != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		add("evidence", "item %q: evidence must name exactly one of manual, check, deployment, probe, metric, approval (found %d)", it.ID, n)
		return
	}
	switch {
	case e.Check != nil:
		if e.Check.Name == "" {
			add("evidence.check", "item %q: check needs a name pattern", it.ID)
		} else if _, err := path.Match(e.Check.Name, ""); err != nil {
			add("evidence.check.name", "item %q: bad check name glob %q: %v", it.ID, e.Check.Name, err)
		}
		if a := e.Check.App; a != "" && !appPattern.MatchString(a) {
			add("evidence.check.app", "item %q: check app %q must be a GitHub App slug (github-actions) or its numeric id", it.ID, a)
		}
		if c := e.Check.Creator; c != "" && !loginPattern.MatchString(c) {
			add("evidence.check.creator", "item %q: check creator %q is not a GitHub login", it.ID, c)
		}
	case e.Deployment != nil:
		if e.Deployment.Environment == "" {
			add("evidence.deployment", "item %q: deployment needs an environment", it.ID)
		}
	case e.Approval != nil:
		if e.Approval.Role == "" {
			add("evidence.approval", "item %q: approval needs a role", it.ID)
		}
	case e.Probe != nil:
		checkProbeVars(add, it.ID, e.Probe)
	case e.Metric != nil:
		checkMetricVars(add, it.ID, e.Metric)
	}
}

// checkResolved finds the mistakes visible only once layers are merged:
// references to roles, and cycles in role order.
func (c *Config) checkResolved() Problems {
	var ps Problems
	add := func(p Pos, format string, args ...any) {
		ps = append(ps, Problem{Pos: p, Msg: fmt.Sprintf(format, args...)})
	}
	roleIDs := make([]string, 0, len(c.Roles))
	roles := map[string]Role{}
	for _, r := range c.Roles {
		roleIDs = append(roleIDs, r.ID)
		roles[r.ID] = r
	}
	checkPrincipals := func(o origin, field string, list []string) {
		for i, p := range list {
			if strings.HasPrefix(p, "@") {
				if PermissionRank(p[1:]) < 0 {
					add(o.at(field+"."+strconv.Itoa(i)), "unknown permission %q; want @read, @triage, @write, @maintain or @admin", p)
				}
				continue
			}
			if _, ok := roles[p]; !ok {
				add(o.at(field+"."+strconv.Itoa(i)), "unknown role %q%s", p, suggest(p, roleIDs))
			}
		}
	}
	for _, r := range c.Roles {
		for i, a := range r.After {
			if _, ok := roles[a]; !ok {
				add(r.o.at("after."+strconv.Itoa(i)), "role %q comes after unknown role %q%s", r.ID, a, suggest(a, roleIDs))
			}
		}
	}
	if cyc := roleCycle(c.Roles); cyc != nil {
		r := roles[cyc[0]]
		add(r.o.at("after"), "roles form a cycle in their order: %s", strings.Join(cyc, " → "))
	}
	for _, e := range c.Flatten() {
		it := e.Item
		if it.Evidence != nil && it.Evidence.Approval != nil {
			if _, ok := roles[it.Evidence.Approval.Role]; !ok {
				add(it.o.at("evidence.approval.role"), "item %q needs unknown role %q%s", it.ID, it.Evidence.Approval.Role, suggest(it.Evidence.Approval.Role, roleIDs))
			}
		}
		if it.Evidence != nil && it.Evidence.Probe != nil && it.Evidence.Probe.Window != nil && e.Phase == PhasePreMerge {
			add(it.o.at("evidence.probe.window"), "item %q: a window applies only to post-go-live items (phase 24h, 7d or 30d)", it.ID)
		}
		if it.Evidence != nil && it.Evidence.Metric != nil && it.Evidence.Metric.Window != nil && e.Phase == PhasePreMerge {
			add(it.o.at("evidence.metric.window"), "item %q: a window applies only to post-go-live items (phase 24h, 7d or 30d)", it.ID)
		}
		checkPrincipals(it.o, "tick_by", it.TickBy)
		checkPrincipals(it.o, "waive_by", it.WaiveBy)
	}
	for _, fr := range c.Freezes {
		checkPrincipals(fr.o, "waive_by", fr.WaiveBy)
	}
	checkPrincipals(c.Defaults.o, "tick_by", c.Defaults.TickBy)
	checkPrincipals(c.Defaults.o, "waive_by", c.Defaults.WaiveBy)
	checkPrincipals(origin{c.Defaults.o.idx, "rules"}, "unhold_by", c.Rules.UnholdBy)
	return ps
}

// roleCycle returns the ids of a cycle in the roles' After order, or nil.
func roleCycle(roles []Role) []string {
	after := map[string][]string{}
	for _, r := range roles {
		after[r.ID] = r.After
	}
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var found []string
	var visit func(id string) bool
	visit = func(id string) bool {
		color[id] = grey
		stack = append(stack, id)
		for _, a := range after[id] {
			switch color[a] {
			case grey:
				for i, s := range stack {
					if s == a {
						found = append(append([]string{}, stack[i:]...), a)
					}
				}
				return true
			case white:
				if _, known := after[a]; known && visit(a) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[id] = black
		return false
	}
	for _, r := range roles {
		if color[r.ID] == white && visit(r.ID) {
			return found
		}
	}
	return nil
}
