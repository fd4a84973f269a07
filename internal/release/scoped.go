package release

import (
	"fmt"
	"strings"

	"github.com/ag06mixer/golive/internal/checklist"
)

// scopedChange returns the files of a push that fall under the role's
// invalidate_on globs, or why they cannot be known. Unknown files void
// the sign-off: fail closed.
func scopedChange(r checklist.Role, p *PRInfo) (touched []string, why string) {
	if p == nil || !p.ChangedKnown {
		w := "the files it changed could not be read"
		if p != nil && p.ChangedWhy != "" {
			w += " (" + oneLine(p.ChangedWhy, 120) + ")"
		}
		return nil, w
	}
	for _, f := range p.Changed {
		for _, g := range r.InvalidateOn {
			if checklist.PathGlob(g, f) {
				touched = append(touched, f)
				break
			}
		}
	}
	return touched, ""
}

// fileList names up to three files, and how many more.
func fileList(fs []string) string {
	const show = 3
	names := make([]string, 0, show)
	for i, f := range fs {
		if i == show {
			break
		}
		names = append(names, oneLine(f, 80))
	}
	s := strings.Join(names, ", ")
	if len(fs) > show {
		s += fmt.Sprintf(" and %d more", len(fs)-show)
	}
	return s
}
