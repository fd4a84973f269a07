package release

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// tickExpr is what tickLine reads by hand: the expression golive used
// before, kept here as the reference.
var tickExpr = regexp.MustCompile(`^\s*[-*+] \[([ xX])\] <!-- golive:item ([a-z0-9][a-z0-9._-]{0,63}) -->`)

func sameAsExpr(t *testing.T, line string) {
	t.Helper()
	id, ticked, ok := tickLine(line)
	m := tickExpr.FindStringSubmatch(line)
	if ok != (m != nil) || (ok && (id != m[2] || ticked != (m[1] != " "))) {
		t.Fatalf("line %q: tickLine = %q %v %v, the expression %q", line, id, ticked, ok, m)
	}
}

// TestTickLineAsTheExpression runs tickLine and the expression over every
// line of the rendered tracking issues and over damaged copies of their
// box lines: a byte dropped, changed or added at each place, cut short,
// long ids. A person edits the issue body: the two must read the same
// boxes from anything.
func TestTickLineAsTheExpression(t *testing.T) {
	files, err := filepath.Glob("../render/testdata/*.golden")
	if err != nil || len(files) == 0 {
		t.Fatalf("no rendered issues: %v", err)
	}
	var boxes []string
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.SplitSeq(string(b), "\n") {
			sameAsExpr(t, line)
			n++
			if strings.Contains(line, "golive:item") && len(boxes) < 40 {
				boxes = append(boxes, line)
			}
		}
	}
	id := func(k int) string { return "a" + strings.Repeat("b", k-1) }
	boxes = append(boxes, "- [x] "+ItemMarker(id(63)), "- [x] "+ItemMarker(id(64)), "- [x] "+ItemMarker(id(65)),
		"\t\f\r * [X] "+ItemMarker("ok")+" tail", "\v- [x] "+ItemMarker("vt"), "+ [ ] "+ItemMarker("a.b_c-d")+"\r")
	bytes := []byte(" \t\v\f\rxX-*+[]<>!a0._z-A\x80\xff")
	for _, line := range boxes {
		for i := 0; i <= len(line); i++ {
			sameAsExpr(t, line[:i])
			if i < len(line) {
				sameAsExpr(t, line[:i]+line[i+1:])
				for _, c := range bytes {
					sameAsExpr(t, line[:i]+string(c)+line[i+1:])
				}
			}
			for _, c := range []byte(" x-a.") {
				sameAsExpr(t, line[:i]+string(c)+line[i:])
			}
			n += 2 + len(bytes) + 5
		}
	}
	t.Logf("%d lines compared", n)
}

func FuzzTickLine(f *testing.F) {
	f.Add("- [x] " + ItemMarker("backup-restore-tested"))
	f.Add("  * [ ] " + ItemMarker("a") + " more")
	f.Add("-[x] " + ItemMarker("a"))
	f.Fuzz(func(t *testing.T, line string) {
		if strings.Contains(line, "\n") {
			return // Ticks splits the body into lines first
		}
		sameAsExpr(t, line)
	})
}
