package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

const routeListIssues = "GET /repos/{owner}/{repo}/issues"

// TestE2EThousandAndFirstReleaseReadsNoOldIssue: a repository already holds
// 1,000 closed tracking issues of earlier releases, each with a body the
// size of a real one. Opening the next release lists no issue at all: the
// PR has no golive comment and no create was begun (issue #18). After a
// Redis loss, the release's issue is
// found again from one page of its PR's comments, still without a list,
// and no second issue is opened.
func TestE2EThousandAndFirstReleaseReadsNoOldIssue(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	signers(h)
	filler := strings.Repeat("- [x] an item of an earlier release\n", 500) // ~18 KB, as a real body
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		rp := repos[testRepo]
		for i := range 1000 {
			old := release.Key{Owner: rp.Owner, Repo: rp.Name, PR: 5000 + i}
			rp.Issues = append(rp.Issues, &githubfake.Issue{Number: 3000 + i, Title: fmt.Sprintf("Release readiness (#%d)", old.PR),
				Body: render.Marker(old) + "\n" + filler, State: "closed", Labels: []string{release.IssueLabel}, Author: githubfake.BotLogin})
		}
	})
	h.fake.ResetCounts()
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	// No golive comment and no record saying a create began: a new
	// release, found so from one page of the PR's comments.
	if n := h.fake.Count(routeListIssues); n != 0 {
		t.Errorf("opening the 1,001st release listed issues %d times, want 0\n%s", n, h.fake.CountsTable())
	}
	// One page each: the rebuild's look for golive's pointer, the
	// coalesced sync's look again (another lock hold), golive's comment.
	if n := h.fake.Count("GET /repos/{owner}/{repo}/issues/{issue_number}/comments"); n > 3 {
		t.Errorf("opening the release read the PR's comments %d times, want at most 3", n)
	}
	k := release.Key{Owner: "Codertocat", Repo: "Hello-World", PR: prNum}
	var is githubfake.Issue
	for _, x := range h.issues() {
		if strings.Contains(x.Body, render.Marker(k)) {
			is = x
		}
	}
	if is.Number == 0 || is.State != "open" {
		t.Fatalf("no open tracking issue for the new release: %+v", is)
	}
	pointer := false
	for _, c := range h.comments(prNum) {
		if n, ok := render.ParseIssueMarker(c.Body); ok && c.Author == githubfake.BotLogin && n == is.Number {
			pointer = true
		}
	}
	if !pointer {
		t.Fatalf("golive's PR comment does not point at issue #%d", is.Number)
	}

	// Redis is lost; the next event rebuilds the release from GitHub.
	flushRedis(t, h)
	h.fake.ResetCounts()
	edited := h.openPR(t, "opened", func(m map[string]any) { set(m, "action", "edited") })
	h.send("pull_request", edited)
	h.settle()
	if n := h.fake.Count(routeListIssues); n != 0 {
		t.Errorf("finding the issue after a Redis loss listed issues %d times, want 0\n%s", n, h.fake.CountsTable())
	}
	// The rebuild asks whether there is an issue, the reconcile it runs
	// finds it to read it, and the sync finds golive's comment: one page
	// each, whatever the repository's history.
	if n := h.fake.Count("GET /repos/{owner}/{repo}/issues/{issue_number}/comments"); n > 3 {
		t.Errorf("read the PR's comments %d times, want at most 3", n)
	}
	open := 0
	for _, x := range h.issues() {
		if x.State == "open" {
			open++
		}
	}
	if open != 1 {
		t.Errorf("%d open tracking issues after the Redis loss, want 1", open)
	}
}
