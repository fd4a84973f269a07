package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/cli"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/release"
)

// TestE2EAdoptsOnlyGolivesOwnIssue: someone copies the tracking issue,
// marker and signed ledger included, while the security sign-off still
// stands; the sign-off is then revoked. With Redis lost and golive's own
// issue deleted, the rebuild must not adopt the copy: that would replay
// the revoked sign-off from a ledger that was genuine once. golive opens
// a tracking issue of its own, with no sign-off.
func TestE2EAdoptsOnlyGolivesOwnIssue(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.settle()
	own := h.issue(t)
	if !ticked(t, own.Body, "security-team-approval") {
		t.Fatal("setup: no security sign-off")
	}
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		r := repos[testRepo]
		r.Issues = append(r.Issues, &githubfake.Issue{Number: 90, Title: own.Title, Body: own.Body, State: "open", Labels: []string{release.IssueLabel}, Author: "mallory"})
	})
	h.send("issue_comment", h.comment(t, "sam", "/revoke security", true))
	h.settle()
	flushRedis(t, h)
	h.fake.Do(func(repos map[string]*githubfake.Repo) { repos[testRepo].DeleteIssue(own.Number, 410) })
	var out strings.Builder
	if err := cli.Reconcile(context.Background(), &out, h.nodes[0].sys, []string{testRepo + "#2"}); err != nil {
		t.Fatalf("reconcile: %v\n%s", err, out.String())
	}
	h.settle()
	var mine []githubfake.Issue
	for _, is := range h.issues() {
		if is.Author == githubfake.BotLogin {
			mine = append(mine, is)
		}
	}
	if len(mine) != 1 {
		t.Fatalf("golive has %d tracking issues of its own, want 1 (a new one)", len(mine))
	}
	if ticked(t, mine[0].Body, "security-team-approval") {
		t.Error("a revoked sign-off came back from a copied issue golive adopted")
	}
	if strings.Contains(issueBody(h, 90), "golive:item") && issueBody(h, 90) != own.Body {
		t.Error("golive wrote to an issue a person opened")
	}
}
