package release

import (
	"slices"
	"strings"
)

// ItemMarker is the hidden comment after an item's box in the tracking
// issue; hand ticks are read back by it.
func ItemMarker(id string) string { return "<!-- golive:item " + id + " -->" }

// Ticks reads the boxes of a tracking issue body: item id → ticked. Lines
// without golive's item marker are ignored, so text a human adds does not
// count.
func Ticks(body string) map[string]bool {
	out := map[string]bool{}
	for line := range strings.SplitSeq(body, "\n") {
		if id, ticked, ok := tickLine(line); ok {
			out[id] = ticked
		}
	}
	return out
}

// itemMarkerOpen is what an item's hidden marker starts with, after its
// box and a space.
const itemMarkerOpen = " <!-- golive:item "

// tickLine reads one line of a tracking issue as a box of golive's: what
// the expression `^\s*[-*+] \[([ xX])\] <!-- golive:item
// ([a-z0-9][a-z0-9._-]{0,63}) -->` matches (the line may go on after
// it), read by hand. The expression took 190 µs of every sync's 162-item
// body, most of it on lines holding no marker; TestTickLineAsTheExpression
// keeps the two the same.
func tickLine(line string) (id string, ticked, ok bool) {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\f' || line[i] == '\r') {
		i++ // \s: RE2's Perl class, without \v
	}
	rest := line[i:]
	if len(rest) < 5 || (rest[0] != '-' && rest[0] != '*' && rest[0] != '+') || rest[1] != ' ' || rest[2] != '[' || rest[4] != ']' {
		return "", false, false
	}
	switch rest[3] {
	case ' ':
	case 'x', 'X':
		ticked = true
	default:
		return "", false, false
	}
	rest, found := strings.CutPrefix(rest[5:], itemMarkerOpen)
	if !found {
		return "", false, false
	}
	n := 0
	for n < len(rest) && n < 64 && idByte(rest[n], n == 0) {
		n++
	}
	if n == 0 || !strings.HasPrefix(rest[n:], " -->") {
		return "", false, false
	}
	return rest[:n], ticked, true
}

// idByte reports whether b may stand in an item id: [a-z0-9] first,
// [a-z0-9._-] after.
func idByte(b byte, first bool) bool {
	switch {
	case 'a' <= b && b <= 'z', '0' <= b && b <= '9':
		return true
	case b == '.' || b == '_' || b == '-':
		return !first
	}
	return false
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
