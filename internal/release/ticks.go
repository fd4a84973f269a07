package release

import (
	"regexp"
	"slices"
	"strings"
)

var tickRE = regexp.MustCompile(`^\s*[-*+] \[([ xX])\] <!-- golive:item ([a-z0-9][a-z0-9._-]{0,63}) -->`)

// ItemMarker is the hidden comment after an item's box in the tracking
// issue; hand ticks are read back by it.
func ItemMarker(id string) string { return "<!-- golive:item " + id + " -->" }

// Ticks reads the boxes of a tracking issue body: item id → ticked. Lines
// without golive's item marker are ignored, so text a human adds does not
// count.
func Ticks(body string) map[string]bool {
	out := map[string]bool{}
	for line := range strings.SplitSeq(body, "\n") {
		if m := tickRE.FindStringSubmatch(line); m != nil {
			out[m[2]] = m[1] != " "
		}
	}
	return out
}

// tickChanges compares the boxes of two bodies: the ids ticked and unticked
// going from before to after. Items missing from either body are skipped.
func tickChanges(before, after string) (ticked, unticked []string) {
	b, a := Ticks(before), Ticks(after)
	for id, now := range a {
		was, ok := b[id]
		if !ok || was == now {
			continue
		}
		if now {
			ticked = append(ticked, id)
		} else {
			unticked = append(unticked, id)
		}
	}
	slices.Sort(ticked)
	slices.Sort(unticked)
	return ticked, unticked
}
