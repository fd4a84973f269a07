package tracker

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/receipt"
)

// TestConfigPRCheckRunBounded: a hostile config PR (thousands of
// problems, huge messages, mentions and Markdown in its ids) gets a check
// run inside GitHub's 65,535-character summary with at most 50
// annotations, and nothing in it can mention anyone.
func TestConfigPRCheckRunBounded(t *testing.T) {
	var ps checklist.Problems
	for i := range 5000 {
		ps = append(ps, checklist.Problem{Pos: checklist.Pos{File: repoConfigPath, Line: i + 1, Col: 3},
			Msg: fmt.Sprintf("override %q: @everyone <b>%s</b>", "x", strings.Repeat("ü", 5000))})
	}
	c := configPRCheckRun(configPRInput{Head: "abc", Problems: ps})
	if c.Conclusion != "failure" || len(c.Summary) > 65535 || !strings.Contains(c.Summary, "… and 4950 more") {
		t.Fatalf("conclusion %s, summary %d bytes", c.Conclusion, len(c.Summary))
	}
	if strings.Contains(c.Summary, "@everyone") || strings.Contains(c.Summary, "<b>") {
		t.Error("the summary quotes the file unescaped")
	}
	if !strings.Contains(c.Summary, "`.github/golive.yml:1:3`") {
		t.Errorf("the first problem's place is missing:\n%.300s", c.Summary)
	}
	rps := make([]receipt.Replay, 20)
	for i := range rps {
		rps[i] = receipt.Replay{Release: fmt.Sprintf("o/r#%d", i), WasReady: true, NowReady: i%2 == 0}
		for j := range 500 {
			rps[i].Changes = append(rps[i].Changes, receipt.Change{Item: fmt.Sprintf("@team/%d-%s", j, strings.Repeat("y", 300)), Was: "done", Now: "pending", Blocking: true})
		}
	}
	c = configPRCheckRun(configPRInput{Head: "abc", Simulated: true, Replays: rps, Rejected: 1})
	if c.Conclusion != "success" || len(c.Summary) > 65535 || len([]rune(c.Title)) > 200 ||
		!strings.Contains(c.Summary, "this change would have blocked 10 of the last 20 releases") ||
		!strings.Contains(c.Summary, "1 receipt on the tracking issues failed verification and was not replayed") ||
		strings.Count(c.Summary, "… 490 more") != 20 {
		t.Fatalf("simulation: %s %q, %d bytes\n%.2000s", c.Conclusion, c.Title, len(c.Summary), c.Summary)
	}
	if strings.Contains(c.Summary, "@team") && !strings.Contains(c.Summary, "`@team") {
		t.Error("an item id is quoted outside a code span")
	}
	if got := capSummary(strings.Repeat("é", maxCheckSummary)); len(got) > 65535 || !strings.HasSuffix(got, "limit)") {
		t.Errorf("capSummary: %d bytes", len(got))
	}
	if c := configPRCheckRun(configPRInput{Head: "abc"}); c.Conclusion != "success" || !strings.Contains(c.Summary, "receipts are off") {
		t.Errorf("no receipts: %s\n%s", c.Conclusion, c.Summary)
	}
}
