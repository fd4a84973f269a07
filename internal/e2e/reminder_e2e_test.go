package e2e

import (
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/githubfake"
)

const remindConfig = `version: 1
inherit: false
release: {head_branches: ["release/*"]}
roles:
  - {id: business, title: Business Owner, teams: [ag06mixer/business-owners], remind_after: 24h}
sections:
  - id: s
    title: S
    groups:
      - id: g
        title: G
        items:
          - {id: business-ok, title: Business sign-off, evidence: {approval: {role: business}}}
`

// golivePRComments are golive's comments on the PR: its one comment and
// any replies.
func (h *harness) golivePRComments() []githubfake.Comment {
	var out []githubfake.Comment
	for _, c := range h.comments(prNum) {
		if c.Author == "golive[bot]" {
			out = append(out, c)
		}
	}
	return out
}

// TestE2EReminderEditsThePRComment: a release opened days ago (the real
// payload's created_at) whose Business Owner has not signed gets the
// role's team mentioned in golive's PR comment, edited in place: no new
// comment. The sign-off takes the line out again, in the same comment.
func TestE2EReminderEditsThePRComment(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	signers(h)
	h.fake.Do(func(repos map[string]*githubfake.Repo) { repos[testRepo].Files[".github/golive.yml"] = remindConfig })
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	cs := h.goliveMainComment()
	if len(cs) != 1 || !strings.Contains(cs[0].Body, "⏰ @ag06mixer/business-owners: the **Business Owner** sign-off is awaited since 2026-11-20 09:00 UTC") {
		t.Fatalf("golive's PR comments: %+v", cs)
	}
	id := cs[0].ID
	// Another sync (a refresh) changes nothing and posts nothing.
	h.send("issue_comment", h.comment(t, "rita", "/golive refresh", true))
	h.settle()
	h.send("issue_comment", h.comment(t, "bob", "/approve business", true))
	h.settle()
	cs = h.goliveMainComment()
	if len(cs) != 1 || cs[0].ID != id {
		t.Fatalf("a reminder posted a new comment: %+v", cs)
	}
	if n := len(h.golivePRComments()); n != 2 {
		t.Fatalf("golive's PR comments: %d, want its comment and one reminder reply", n)
	}
	if strings.Contains(cs[0].Body, "⏰") {
		t.Errorf("the reminder stayed after the sign-off: %q", cs[0].Body)
	}
}
