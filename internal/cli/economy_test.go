package cli

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// TestAPIEconomy plays one PR's story (open, 52 CI results, 3 pushes,
// 5 sign-off comments) in the shape a real release has, each pipeline's
// results arriving together and settled before the next push, and counts
// what it costs on GitHub by route: reads, writes, and reads answered
// 304. policy-bot spends 533 requests, 74 of them writes, on the same
// story (DESIGN.md).
func TestAPIEconomy(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{opts: harnessOptsWorker()})
	signers(h)
	sz := stormSize{releases: 1, checks: 52, pushes: 3}
	s := &storm{h: h, t: t, sz: sz, post: func(event string, bodies [][]byte) {
		for _, b := range bodies {
			h.send(event, b)
		}
		h.settle()
	}}
	h.fake.ResetCounts()
	s.play()
	// The fifth sign-off: final approval, after the other four.
	h.send("issue_comment", s.comment(0, "rita", "/approve final"))
	h.settle()
	s.verify()
	reads, writes := 0, 0
	var rows []string
	for route, n := range h.fake.Counts() {
		if strings.HasPrefix(route, "GET ") {
			reads += n
		} else {
			writes += n
		}
		rows = append(rows, fmt.Sprintf("| %s | %d |", route, n))
	}
	sort.Strings(rows)
	total := reads + writes
	t.Logf("API economy of one PR story: %d requests (%d reads, %d of them 304, %d writes)\n| route | requests |\n|---|---|\n%s",
		total, reads, h.fake.NotModified(), writes, strings.Join(rows, "\n"))
	// The aim in DESIGN.md: a third of policy-bot's 533 requests, and a
	// handful of writes rather than 74.
	if total > 533/3 {
		t.Errorf("the story cost %d requests, over a third of policy-bot's 533", total)
	}
	if writes > 40 {
		t.Errorf("the story cost %d writes", writes)
	}
}
