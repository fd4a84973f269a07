package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestE2EIssueLinksDashboard: with the dashboard's public URL set, each
// done item of the tracking issue links to its evidence on the release's
// dashboard page (#item-<id>), from the first write, through edits, and
// when a deleted issue is recreated; without the dashboard no line links
// to it.
func TestE2EIssueLinksDashboard(t *testing.T) {
	t.Parallel()
	const public = "https://golive.example.com"
	const unit = "unit-tests-comprehensive-and-passing"
	page := fmt.Sprintf("%s/releases/Codertocat/Hello-World/%d", public, prNum)
	itemLink := regexp.MustCompile(`\]\(` + regexp.QuoteMeta(page) + `#item-([a-z0-9-]+)\)`)
	for _, on := range []bool{true, false} {
		t.Run(fmt.Sprintf("dashboard=%v", on), func(t *testing.T) {
			ho := harnessOpts{}
			if on {
				ho = harnessOpts{dashboard: true, public: public + "/"}
			}
			h := newHarness(t, ho)
			signers(h)
			h.send("pull_request", h.openPR(t, "opened", nil))
			h.send("check_run", h.checkRun(t, "CI / unit tests", headA, "success"))
			h.settle()
			check := func(when, body string) {
				t.Helper()
				if !ticked(t, body, unit) {
					t.Fatalf("%s: the passing unit-test check did not tick its item", when)
				}
				linked := map[string]bool{}
				for _, m := range itemLink.FindAllStringSubmatch(body, -1) {
					linked[m[1]] = true
				}
				switch {
				case on && !linked[unit]:
					t.Errorf("%s: the done item %s does not link %s#item-%s:\n%s", when, unit, page, unit, lineOf(body, unit))
				case !on && (len(linked) > 0 || strings.Contains(body, "/releases/Codertocat")):
					t.Errorf("%s: without a dashboard the issue links one:\n%s", when, lineOf(body, unit))
				}
			}
			check("after the first sync", h.issue(t).Body)

			h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
			h.settle()
			check("after an edit", h.issue(t).Body)

			old := h.deleteIssue(410)
			h.send("issue_comment", h.comment(t, "tina", "/approve tech-lead", true))
			h.settle()
			is := h.issue(t)
			if is.Number == old {
				t.Fatalf("the deleted issue #%d was not recreated", old)
			}
			check("after the recreation", is.Body)
		})
	}
}

// lineOf is the line of body that carries item id's marker.
func lineOf(body, id string) string {
	for line := range strings.SplitSeq(body, "\n") {
		if strings.Contains(line, id) {
			return line
		}
	}
	return "(no line names " + id + ")"
}
