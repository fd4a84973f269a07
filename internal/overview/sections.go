package overview

import (
	"sort"
	"strings"

	"github.com/ag06mixer/golive/internal/release"
)

// Section is one section of the checklist as the release page folds it.
type Section struct {
	ID    string
	Title string
	Items []Item
	// Blocking counts the items that keep the release from being ready;
	// Failing those whose evidence failed.
	Blocking, Failing int
	// Done counts the items done or waived, of Total.
	Done, Total int
}

// Complete reports whether nothing in the section blocks or fails: the
// page folds it.
func (s Section) Complete() bool { return s.Blocking == 0 && s.Failing == 0 }

// Sections groups the items by section, in the config's order, with the
// sections that block the release first (most blockers first) and the
// complete ones after them.
func (r *Release) Sections() []Section {
	var out []Section
	at := map[string]int{}
	for _, it := range r.Items {
		key := it.SectionID + "\x00" + it.Section
		i, ok := at[key]
		if !ok {
			i = len(out)
			at[key] = i
			out = append(out, Section{ID: it.SectionID, Title: it.Section})
		}
		s := &out[i]
		s.Items = append(s.Items, it)
		s.Total++
		switch {
		case it.State == release.ItemDone || it.State == release.ItemWaived:
			s.Done++
		case it.State == release.ItemFailing:
			s.Failing++
		}
		if it.Blocks {
			s.Blocking++
		}
	}
	// A stable sort on the number of blockers alone keeps the config's
	// order among sections that block equally, and among complete ones.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Blocking != out[j].Blocking {
			return out[i].Blocking > out[j].Blocking
		}
		return out[i].Failing > out[j].Failing
	})
	return out
}

// MarkOptional reports whether a page should add "(optional)" after the
// item's title: not when the title already says so, as the built-in
// checklist's titles do ("WAF rules defined (optional)").
func (it Item) MarkOptional() bool {
	return !it.Required && !strings.Contains(strings.ToLower(it.Title), "(optional)")
}
