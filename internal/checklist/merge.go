package checklist

import (
	"fmt"
	"slices"
	"sort"
)

// Resolve merges config layers, lowest first (the built-in default, then
// the org's golive.yml, then the repo's .github/golive.yml), and validates
// the result. Nil layers are skipped.
//
// Each layer builds on the one below unless it says inherit: false. In a
// layer, roles replace the fields they set of a role with the same id;
// sections and groups with a known id gain the groups and items listed;
// override patches items by id; drop removes items, groups or sections.
func Resolve(layers ...*File) (*Config, error) {
	c := &Config{Version: 1}
	var ps Problems
	for _, f := range layers {
		if f == nil {
			continue
		}
		if !f.Inherits() {
			if by := c.lockedBy(); by != "" {
				ps = append(ps, Problem{Pos: f.idx.pos("inherit"), Msg: fmt.Sprintf("inherit: false would drop what %s locked; the layer is merged over it", by)})
			} else {
				c = &Config{Version: 1}
			}
		}
		ps = append(ps, c.apply(f)...)
	}
	ps = append(ps, c.expandProbes()...)
	ps = append(ps, c.checkResolved()...)
	if len(c.Release.HeadBranches)+len(c.Release.Labels) == 0 && c.Release.Title == "" && len(ps) == 0 {
		ps = append(ps, Problem{Pos: Pos{File: lastName(layers)}, Msg: "release matcher matches nothing: set head_branches, labels or title"})
	}
	if len(ps) > 0 {
		return nil, ps.sorted()
	}
	c.index()
	return c, nil
}

func lastName(layers []*File) string {
	for i := len(layers) - 1; i >= 0; i-- {
		if layers[i] != nil {
			return layers[i].Name
		}
	}
	return ""
}

func (c *Config) apply(f *File) Problems {
	var ps Problems
	add := func(p Pos, format string, args ...any) {
		ps = append(ps, Problem{Pos: p, Msg: fmt.Sprintf(format, args...)})
	}
	if f.Release != nil {
		c.Release = *f.Release
	}
	for k, v := range f.Vars {
		if c.Vars == nil {
			c.Vars = map[string]string{}
		}
		c.Vars[k] = v
	}
	c.applyFreezes(f)
	for env, g := range f.Environments {
		if c.Environments == nil {
			c.Environments = map[string]EnvGate{}
		}
		c.Environments[env] = g
		for _, id := range g.Sections {
			if !slices.ContainsFunc(c.Sections, func(s Section) bool { return s.ID == id }) && !slices.ContainsFunc(f.Sections, func(s Section) bool { return s.ID == id }) {
				add(f.idx.pos("environments."+env+".sections"), "environment %q waits for unknown section %q", env, id)
			}
		}
	}
	for _, r := range slices.Clone(f.Roles) {
		i := slices.IndexFunc(c.Roles, func(x Role) bool { return x.ID == r.ID })
		if i < 0 {
			c.Roles = append(c.Roles, r)
			continue
		}
		if c.Roles[i].Locked {
			add(r.o.at("id"), "role %q is locked by %s; this layer may not change it", r.ID, c.Roles[i].o.file())
			continue
		}
		c.Roles[i] = patchRole(c.Roles[i], r)
	}
	if c.Rules.Locked {
		ps = append(ps, c.lockedRules(f)...)
	} else {
		c.applyRules(f.Rules, f.Name)
	}
	c.applyDefaults(f)

	drops := f.Drop[:0:0]
	var locked map[string]string
	if len(f.Drop) > 0 {
		locked = c.lockedIDs()
	}
	for i, id := range f.Drop {
		if by := locked[id]; by != "" {
			add(f.idx.pos(fmt.Sprintf("drop.%d", i)), "drop %q: it is or holds an item locked by %s", id, by)
			continue
		}
		drops = append(drops, id)
	}
	if len(drops) > 0 {
		found := c.dropAll(drops)
		var known []string
		for i, id := range f.Drop {
			if locked[id] == "" && !found[id] {
				if known == nil {
					known = c.ids()
				}
				add(f.idx.pos(fmt.Sprintf("drop.%d", i)), "drop %q: no inherited item, group or section has that id%s", id, suggest(id, known))
			}
		}
	}
	return append(ps, c.applyItems(f)...)
}

func (c *Config) applyRules(r Rules, file string) {
	if r.AuthorMaySign != nil {
		c.Rules.AuthorMaySign = r.AuthorMaySign
	}
	if r.PusherMaySign != nil {
		c.Rules.PusherMaySign = r.PusherMaySign
	}
	if r.OnePersonOneRole != nil {
		c.Rules.OnePersonOneRole = r.OnePersonOneRole
	}
	if r.UnholdBy != nil {
		c.Rules.UnholdBy = r.UnholdBy
	}
	if r.Locked && !c.Rules.Locked {
		c.Rules.Locked, c.Rules.lockFile = true, file
	}
}

func (c *Config) applyDefaults(f *File) {
	if f.Defaults.TickBy != nil {
		c.Defaults.TickBy = f.Defaults.TickBy
		c.Defaults.o = f.Defaults.o
	}
	if f.Defaults.WaiveBy != nil {
		c.Defaults.WaiveBy = f.Defaults.WaiveBy
		c.Defaults.o = f.Defaults.o
	}
}

// applyItems merges the layer's overrides and sections.
func (c *Config) applyItems(f *File) Problems {
	var ps Problems
	add := func(p Pos, format string, args ...any) {
		ps = append(ps, Problem{Pos: p, Msg: fmt.Sprintf(format, args...)})
	}
	ids := make([]string, 0, len(f.Override))
	for id := range f.Override {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	// One index of the items, not a walk per override: parse and merge
	// time grow linearly with the items.
	byID := map[string]*Item{}
	if len(ids) > 0 {
		for _, e := range c.Flatten() {
			if _, dup := byID[e.Item.ID]; !dup {
				byID[e.Item.ID] = e.Item
			}
		}
	}
	for _, id := range ids {
		patch := f.Override[id]
		it, ok := byID[id]
		if !ok {
			add(f.idx.pos("override."+id+"#key"), "override %q: no inherited item has that id%s", id, suggest(id, c.itemIDs()))
			continue
		}
		if it.Locked {
			add(f.idx.pos("override."+id+"#key"), "override %q: the item is locked by %s; this layer may not change it", id, it.o.file())
			continue
		}
		patchItem(it, patch)
	}

	known := map[string]bool{}
	for _, e := range c.Flatten() {
		known[e.Item.ID] = true
	}
	for _, s := range cloneSections(f.Sections) {
		si := slices.IndexFunc(c.Sections, func(x Section) bool { return x.ID == s.ID })
		if si < 0 {
			for _, id := range itemIDsOf(s) {
				if known[id.id] {
					add(id.o.at("id"), "item %q is already inherited; use override: to change it, or drop: it first", id.id)
				}
			}
			c.Sections = append(c.Sections, s)
			continue
		}
		cs := &c.Sections[si]
		if s.Title != "" {
			cs.Title = s.Title
		}
		if s.Phase != "" {
			cs.Phase = s.Phase
		}
		for _, g := range s.Groups {
			for _, id := range itemIDsOf(Section{Groups: []Group{g}}) {
				if known[id.id] {
					add(id.o.at("id"), "item %q is already inherited; use override: to change it, or drop: it first", id.id)
				}
			}
			gi := slices.IndexFunc(cs.Groups, func(x Group) bool { return x.ID == g.ID })
			if gi < 0 {
				cs.Groups = append(cs.Groups, g)
				continue
			}
			cg := &cs.Groups[gi]
			if g.Title != "" {
				cg.Title = g.Title
			}
			if g.Phase != "" {
				cg.Phase = g.Phase
			}
			cg.Items = append(cg.Items, g.Items...)
		}
	}
	return ps
}

type idAt struct {
	id string
	o  origin
}

func itemIDsOf(s Section) []idAt {
	var out []idAt
	var walk func([]Item)
	walk = func(items []Item) {
		for _, it := range items {
			out = append(out, idAt{it.ID, it.o})
			walk(it.Items)
		}
	}
	for _, g := range s.Groups {
		walk(g.Items)
	}
	return out
}

func patchRole(base, p Role) Role {
	if p.Title != "" {
		base.Title = p.Title
	}
	if p.Teams != nil {
		base.Teams = p.Teams
	}
	if p.Users != nil {
		base.Users = p.Users
	}
	if p.Permission != "" {
		base.Permission = p.Permission
	}
	if p.InvalidateOnPush != nil {
		base.InvalidateOnPush = p.InvalidateOnPush
	}
	if p.InvalidateOn != nil {
		base.InvalidateOn = p.InvalidateOn
	}
	if p.After != nil {
		base.After = p.After
	}
	patchReminder(&base, p)
	base.Locked = base.Locked || p.Locked
	base.o = p.o
	return base
}

func patchItem(it *Item, p Item) {
	if p.Title != "" {
		it.Title = p.Title
	}
	if p.Required != nil {
		it.Required = p.Required
	}
	if p.Phase != "" {
		it.Phase = p.Phase
	}
	if p.TickBy != nil {
		it.TickBy = p.TickBy
	}
	if p.WaiveBy != nil {
		it.WaiveBy = p.WaiveBy
	}
	if p.Evidence != nil {
		it.Evidence = p.Evidence
	}
	it.Locked = it.Locked || p.Locked
	it.o = p.o
}

// dropAll removes the sections, groups and items with the ids, in one walk
// of the tree, and says which ids it found.
func (c *Config) dropAll(ids []string) map[string]bool {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	found := map[string]bool{}
	c.Sections = slices.DeleteFunc(c.Sections, func(s Section) bool {
		if want[s.ID] {
			found[s.ID] = true
			return true
		}
		return false
	})
	for si := range c.Sections {
		s := &c.Sections[si]
		s.Groups = slices.DeleteFunc(s.Groups, func(g Group) bool {
			if want[g.ID] {
				found[g.ID] = true
				return true
			}
			return false
		})
		for gi := range s.Groups {
			dropItems(&s.Groups[gi].Items, want, found)
		}
	}
	return found
}

func dropItems(items *[]Item, want, found map[string]bool) {
	*items = slices.DeleteFunc(*items, func(it Item) bool {
		if want[it.ID] {
			found[it.ID] = true
			return true
		}
		return false
	})
	for i := range *items {
		dropItems(&(*items)[i].Items, want, found)
	}
}

func (c *Config) itemIDs() []string {
	var out []string
	for _, e := range c.Flatten() {
		out = append(out, e.Item.ID)
	}
	return out
}

// Item returns the entry of the item with the id.
func (c *Config) Item(id string) (Entry, bool) {
	for _, e := range c.Flatten() {
		if e.Item.ID == id {
			return e, true
		}
	}
	return Entry{}, false
}

// cloneSections copies sections down to the items, so merging never
// changes a layer (the built-in default is parsed once and shared).
func cloneSections(in []Section) []Section {
	out := slices.Clone(in)
	for i := range out {
		out[i].Groups = slices.Clone(out[i].Groups)
		for j := range out[i].Groups {
			out[i].Groups[j].Items = cloneItems(out[i].Groups[j].Items)
		}
	}
	return out
}

func cloneItems(in []Item) []Item {
	out := slices.Clone(in)
	for i := range out {
		out[i].Items = cloneItems(out[i].Items)
	}
	return out
}
