package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/release"
)

// unseenTick changes item id's box in the tracking issue as login would in
// the web page (recorded in the issue's edit history), and sends no
// webhook: the issues.edited delivery is lost. A CI result then makes
// golive write the issue, so it finds the box it has no event for.
//
// GitHub gives edit times to the second, and golive names nobody for an
// edit that shares its second with a neighbour; so the person's edit is
// made in a second of its own, after golive's last write and before its
// next one, as it is when a person edits by hand.
func unseenTick(t *testing.T, h *harness, login, id string) {
	t.Helper()
	h.settle()
	nextSecond()
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		is := repos[testRepo].Issues[0]
		body := strings.Replace(is.Body, "- [ ] "+release.ItemMarker(id), "- [x] "+release.ItemMarker(id), 1)
		if body == is.Body {
			t.Fatalf("no open box of %s", id)
		}
		repos[testRepo].EditIssueBody(is.Number, login, time.Now().UTC(), body)
	})
	nextSecond()
	h.send("check_run", h.checkRun(t, "container-scan", headA, "success"))
	h.settle()
}

// TestE2EUnseenTickKeptFromEditHistory: rita (write access) ticks a hand
// item and the webhook is lost. Before, golive carried the box once and
// then unticked it silently two syncs later. Now it reads the issue's
// edit history, finds rita's edit, and judges it as the event would have
// been: kept, with who and when, and no reply.
func TestE2EUnseenTickKeptFromEditHistory(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	const item = "aws-account-with-appropriate-billing"
	unseenTick(t, h, "rita", item)
	waitUntil(t, "the unseen tick to be judged from the edit history", func() bool {
		return strings.Contains(h.issue(t).Body, "by rita")
	})
	h.send("check_run", h.checkRun(t, "image-build", headA, "success")) // two more syncs: it must stay
	h.settle()
	h.send("check_run", h.checkRun(t, "image-scan", headA, "success"))
	h.settle()
	body := h.issue(t).Body
	if !ticked(t, body, item) || !strings.Contains(body, "by rita") {
		t.Fatalf("rita's tick was not kept with its evidence:\n%s", grepLines(body, release.ItemMarker(item)))
	}
	if r := h.replies(h.issue(t).Number); len(r) != 0 {
		t.Errorf("a permitted tick got replies: %q", r)
	}
}

// TestE2EUnseenTickRevertedFromEditHistory: victor (read access) ticks a
// hand item and the webhook is lost. The edit history names him; golive
// reverts the box with one reply, as it would for the event.
func TestE2EUnseenTickRevertedFromEditHistory(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	const item = "aws-account-with-appropriate-billing"
	unseenTick(t, h, "victor", item)
	waitUntil(t, "victor's unseen tick to be reverted with a reply", func() bool {
		return len(h.replies(h.issue(t).Number)) == 1
	})
	h.settle()
	body := h.issue(t).Body
	if ticked(t, body, item) {
		t.Fatalf("victor's tick stands:\n%s", grepLines(body, release.ItemMarker(item)))
	}
	if r := h.replies(h.issue(t).Number); len(r) != 1 || !strings.Contains(r[0], "@victor") {
		t.Errorf("replies %q, want one to @victor", r)
	}
}

// TestE2EUnseenTickUnjudgedWhenHistoryUnreadable: with the edit history
// unreadable, golive cannot say who ticked the box. It neither drops it
// silently nor counts it: the box stays, marked unjudged, and the item is
// not done.
func TestE2EUnseenTickUnjudgedWhenHistoryUnreadable(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.fake.Inject(&githubfake.Fault{Match: "POST /graphql", Status: 502})
	const item = "aws-account-with-appropriate-billing"
	unseenTick(t, h, "rita", item)
	waitUntil(t, "the box to be marked unjudged", func() bool {
		return strings.Contains(h.issue(t).Body, "unjudged")
	})
	h.send("check_run", h.checkRun(t, "image-build", headA, "success"))
	h.settle()
	body := h.issue(t).Body
	line := grepLines(body, release.ItemMarker(item))
	if !ticked(t, body, item) || !strings.Contains(line, "unjudged") {
		t.Fatalf("the unjudged box was not left standing with its note:\n%s", line)
	}
	if strings.Contains(line, "by rita") {
		t.Errorf("an unjudged tick counts as rita's:\n%s", line)
	}
}

// nextSecond returns once the wall clock has entered a new second.
func nextSecond() {
	start := time.Now().Unix()
	for time.Now().Unix() == start {
		time.Sleep(10 * time.Millisecond)
	}
}
