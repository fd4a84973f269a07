package checklist

import "fmt"

// An org layer marks items, roles and rules locked: true; a layer above it
// may not drop, weaken or redefine them. The merge keeps the locked
// version and reports each attempt as a problem at its line, so the gate
// fails on it rather than running a weaker checklist.

// file names the file something was written in.
func (o origin) file() string {
	if o.idx == nil {
		return "(built-in)"
	}
	return o.idx.file
}

// lockedBy names a file that locked something in c, or "".
func (c *Config) lockedBy() string {
	if c.Rules.Locked {
		return c.Rules.lockFile
	}
	for _, r := range c.Roles {
		if r.Locked {
			return r.o.file()
		}
	}
	for _, e := range c.Flatten() {
		if e.Item.Locked {
			return e.Item.o.file()
		}
	}
	return ""
}

// lockedIDs maps every item, group and section id that is or holds a
// locked item to the file that locked it: one walk, not one per drop.
func (c *Config) lockedIDs() map[string]string {
	out := map[string]string{}
	for _, e := range c.Flatten() {
		if !e.Item.Locked {
			continue
		}
		for _, id := range []string{e.Item.ID, e.Section.ID, e.Group.ID, e.Parent} {
			if id != "" {
				out[id] = e.Item.o.file()
			}
		}
	}
	return out
}

// lockedRules reports every rule a layer sets over locked rules; none is
// applied.
func (c *Config) lockedRules(f *File) Problems {
	var ps Problems
	for _, r := range []struct {
		key string
		set bool
	}{
		{"author_may_sign", f.Rules.AuthorMaySign != nil},
		{"pusher_may_sign", f.Rules.PusherMaySign != nil},
		{"one_person_one_role", f.Rules.OnePersonOneRole != nil},
		{"unhold_by", f.Rules.UnholdBy != nil},
	} {
		if r.set {
			ps = append(ps, Problem{Pos: f.idx.pos("rules." + r.key), Msg: fmt.Sprintf("rules are locked by %s; this layer may not set %s", c.Rules.lockFile, r.key)})
		}
	}
	return ps
}
