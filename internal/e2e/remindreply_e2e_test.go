package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
	"github.com/ag06mixer/golive/internal/worker"
)

// goliveMainComment is golive's one PR comment, the one it edits.
func (h *harness) goliveMainComment() []githubfake.Comment {
	var out []githubfake.Comment
	for _, c := range h.golivePRComments() {
		if strings.Contains(c.Body, render.CommentMarker(release.Key{Owner: "Codertocat", Repo: "Hello-World", PR: prNum})) {
			out = append(out, c)
		}
	}
	return out
}

// goliveReplies are golive's other comments on the PR: the replies.
func (h *harness) goliveReplies() []string {
	var out []string
	for _, c := range h.golivePRComments() {
		if !strings.Contains(c.Body, "<!-- golive:comment ") {
			out = append(out, c.Body)
		}
	}
	return out
}

const twoRemindersConfig = `version: 1
inherit: false
release: {head_branches: ["release/*"]}
roles:
  - {id: business, title: Business Owner, teams: [ag06mixer/business-owners], remind_after: 24h}
  - {id: ops, title: Operations, users: [olga, "not a login"], remind_after: 36h}
sections:
  - id: s
    title: S
    groups:
      - id: g
        title: G
        items:
          - {id: business-ok, title: Business sign-off, evidence: {approval: {role: business}}}
          - {id: ops-ok, title: Ops sign-off, evidence: {approval: {role: ops}}}
`

// TestE2EReminderRepliesAtMostOncePerDay: a PR opened 23 hours ago with
// two roles reminded after 24h and 36h. The first reminder edits the PR
// comment and posts one reply naming the business owners; the second,
// due 12 hours later, edits the comment but waits; the next day one more
// reply names only Operations (olga; the config's invalid login is not a
// mention). Syncs in between post nothing.
func TestE2EReminderRepliesAtMostOncePerDay(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	h := newHarness(t, harnessOpts{opts: worker.Options{Clock: clock.now}})
	signers(h)
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		repos[testRepo].Files[".github/golive.yml"] = twoRemindersConfig
	})
	opened := time.Now().UTC().Add(-23 * time.Hour).Truncate(time.Second)
	h.send("pull_request", h.openPR(t, "opened", func(m map[string]any) { set(m, "pull_request.created_at", opened.Format(time.RFC3339)) }))
	h.settle()
	k := release.Key{Owner: "Codertocat", Repo: "Hello-World", PR: prNum}
	n := 0
	at := func(d time.Duration) {
		t.Helper()
		clock.advance(d)
		n++
		if err := h.nodes[0].sys.Worker().RequestRefresh(context.Background(), k, 0, "at-"+string(rune('a'+n)), "test", false); err != nil {
			t.Fatal(err)
		}
		h.settle()
	}
	if r := h.goliveReplies(); len(r) != 0 {
		t.Fatalf("replies before any reminder is due: %q", r)
	}
	at(2 * time.Hour) // +25h: business is due
	r := h.goliveReplies()
	if len(r) != 1 || !strings.HasPrefix(r[0], "⏰ @ag06mixer/business-owners: the **Business Owner** sign-off is awaited") || strings.Contains(r[0], "Operations") {
		t.Fatalf("first reminder's replies: %q", r)
	}
	at(time.Hour)      // +26h: nothing new
	at(12 * time.Hour) // +38h: ops is due, 13h after the last reply
	main := h.goliveMainComment()
	if len(main) != 1 || !strings.Contains(main[0].Body, "**Operations**") || !strings.Contains(main[0].Body, "**Business Owner**") {
		t.Fatalf("the PR comment does not carry both reminders: %+v", main)
	}
	if r := h.goliveReplies(); len(r) != 1 {
		t.Fatalf("a second reply within a day: %q", r)
	}
	at(10 * time.Hour) // +48h: 23h after the first reply
	if r := h.goliveReplies(); len(r) != 1 {
		t.Fatalf("a second reply within a day: %q", r)
	}
	at(2 * time.Hour) // +50h: a day after the first reply
	r = h.goliveReplies()
	if len(r) != 2 || !strings.HasPrefix(r[1], "⏰ @olga: the **Operations** sign-off") || strings.Contains(r[1], "Business") || strings.Contains(r[1], "@not") {
		t.Fatalf("next day's replies: %q", r)
	}
	at(30 * time.Hour) // no count grew: no reply
	if r := h.goliveReplies(); len(r) != 2 {
		t.Fatalf("a reply with nothing new: %q", r)
	}
	if main := h.goliveMainComment(); len(main) != 1 {
		t.Fatalf("golive's PR comment was posted again: %+v", main)
	}
}
