package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/cli"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/worker"
)

// flushRedis loses everything golive keeps in Redis, as a Redis restart
// without persistence does (redistest.Lose: FLUSHALL on an embedded
// server, the test's own keys on a shared one).
func flushRedis(t *testing.T, h *harness) {
	t.Helper()
	h.redis.Lose(t)
}

// reconcileAll runs `golive reconcile`, as an operator would after a loss.
func reconcileAll(t *testing.T, h *harness) {
	t.Helper()
	var out strings.Builder
	if err := cli.Reconcile(context.Background(), &out, h.nodes[0].sys, nil); err != nil {
		t.Fatalf("reconcile: %v\n%s", err, out.String())
	}
}

// pushDuringLoss moves the PR's head in the fake, with no webhook.
func pushDuringLoss(h *harness, sha string) {
	h.fake.Do(func(repos map[string]*githubfake.Repo) { repos[testRepo].Pulls[prNum].HeadSHA = sha })
}

// issueBody reads issue n of the test repo in the fake.
func issueBody(h *harness, n int) string {
	var body string
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, is := range repos[testRepo].Issues {
			if is.Number == n {
				body = is.Body
			}
		}
	})
	return body
}

// TestE2EPREventAfterRedisLossRebuildsFirst: Redis is lost, and the next
// thing to arrive is a pull_request event, before anyone reconciles. The
// release is rebuilt from the tracking issue before the event is applied:
// the sign-off, the tick and the signed ledger survive.
func TestE2EPREventAfterRedisLossRebuildsFirst(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.settle()
	h.send("issues", h.tick(t, "rita", "aws-account-with-appropriate-billing", true))
	h.settle()
	before := h.issue(t).Body
	if !ticked(t, before, "security-team-approval") || !ticked(t, before, "aws-account-with-appropriate-billing") {
		t.Fatal("setup: the sign-off or the tick is missing")
	}
	flushRedis(t, h)
	edited := h.openPR(t, "opened", func(m map[string]any) {
		set(m, "action", "edited") // opened.json's repository is the test's
		set(m, "pull_request.title", "Release 1.0 (final)")
	})
	h.fake.Do(func(repos map[string]*githubfake.Repo) { repos[testRepo].Pulls[prNum].Title = "Release 1.0 (final)" })
	h.send("pull_request", edited)
	h.settle()
	after := h.issue(t).Body
	if !strings.Contains(after, "Release 1.0 (final)") {
		t.Fatalf("the pull_request event was not applied:\n%s", after)
	}
	if !ticked(t, after, "security-team-approval") {
		t.Error("the pull_request event after a Redis loss erased the security sign-off")
	}
	if !ticked(t, after, "aws-account-with-appropriate-billing") {
		t.Error("the pull_request event after a Redis loss erased a hand tick")
	}
	if !strings.Contains(after, "signed off as Security Review") || !strings.Contains(after, "<!-- golive:ledger ") {
		t.Error("the signed ledger was not kept")
	}
	if got := len(h.issues()); got != 1 {
		t.Errorf("%d tracking issues, want 1", got)
	}
}

// TestE2EPushDuringRedisLossUnknownPusher: while Redis is lost, the head
// moves (nobody knows who pushed). After the rebuild the security
// sign-off made on the old head is voided, as a live synchronize voids
// it, and no one may sign off the new head: any of them may have pushed.
func TestE2EPushDuringRedisLossUnknownPusher(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.settle()
	flushRedis(t, h)
	pushDuringLoss(h, headB)
	reconcileAll(t, h)
	h.settle()
	body := h.issue(t).Body
	if ticked(t, body, "security-team-approval") {
		t.Fatal("a sign-off on the old head stayed valid after a push made while Redis was lost")
	}
	if !strings.Contains(body, "the head changed from") {
		t.Error("the issue does not say why the sign-off was voided")
	}
	// sam may be the one who pushed headB: refused.
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.settle()
	if ticked(t, h.issue(t).Body, "security-team-approval") {
		t.Fatal("a possible pusher signed off a head pushed while golive was not watching")
	}
	if r := h.replies(prNum); len(r) != 1 || !strings.Contains(r[0], "cannot tell who pushed it") {
		t.Errorf("replies %q, want one saying the pusher is unknown", r)
	}
	// A push golive sees names its pusher, and the others may sign again.
	const headC = "2222222222222222222222222222222222222222"
	h.send("pull_request", h.openPR(t, "synchronize", func(m map[string]any) {
		set(m, "pull_request.head.sha", headC)
		set(m, "sender.login", "olga")
	}))
	pushDuringLoss(h, headC)
	h.settle()
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.settle()
	if !ticked(t, h.issue(t).Body, "security-team-approval") {
		t.Error("after a push by olga, sam still cannot sign off")
	}
}

// TestE2EPushEventAfterRedisLossNamesPusher: Redis is lost and bob
// pushes; the synchronize event is the first to arrive. The rebuild
// voids the old sign-off and bob, the known last pusher, may not sign.
func TestE2EPushEventAfterRedisLossNamesPusher(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.settle()
	flushRedis(t, h)
	push := h.openPR(t, "synchronize", func(m map[string]any) {
		set(m, "pull_request.head.sha", headB)
		set(m, "sender.login", "bob")
	})
	pushDuringLoss(h, headB)
	h.send("pull_request", push)
	h.settle()
	body := h.issue(t).Body
	if ticked(t, body, "security-team-approval") {
		t.Fatal("a sign-off on the old head stayed valid after the push")
	}
	if !strings.Contains(body, "the head changed from") {
		t.Error("the voided sign-off is not in the rebuilt issue")
	}
	h.send("issue_comment", h.comment(t, "bob", "/approve business", true))
	h.settle()
	if ticked(t, h.issue(t).Body, "business-stakeholder-approval") {
		t.Fatal("the last pusher signed off after the rebuild")
	}
	if r := h.replies(prNum); len(r) != 1 || !strings.Contains(r[0], "bob pushed the current head") {
		t.Errorf("replies %q, want one naming bob as the last pusher", r)
	}
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.settle()
	if !ticked(t, h.issue(t).Body, "security-team-approval") {
		t.Error("sam, who did not push, cannot sign off after the rebuild")
	}
}

// TestE2ECommentOnCopiedMarkerIssueIgnored: someone opens an issue that
// holds a copy of the release's marker and posts a command there. Only
// the PR and the release's own tracking issue carry commands.
func TestE2ECommentOnCopiedMarkerIssueIgnored(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	real := h.issue(t)
	const forged = 77
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		r := repos[testRepo]
		r.Issues = append(r.Issues, &githubfake.Issue{Number: forged, Title: "copy", Body: real.Body, State: "open"})
		r.Comments = append(r.Comments, &githubfake.Comment{ID: 990001, Issue: forged, Body: "/approve security", Author: "sam"})
	})
	h.send("issue_comment", payload(t, "issue_comment/created.json", func(m map[string]any) {
		set(m, "comment.id", 990001)
		set(m, "comment.body", "/approve security")
		set(m, "comment.created_at", time.Now().UTC().Format(time.RFC3339))
		set(m, "comment.user.login", "sam")
		set(m, "comment.html_url", fmt.Sprintf("https://github.com/%s/issues/%d#issuecomment-990001", testRepo, forged))
		set(m, "sender.login", "sam")
		set(m, "sender.type", "User")
		set(m, "issue.number", forged)
		set(m, "issue.body", real.Body)
	}))
	h.settle()
	if ticked(t, issueBody(h, real.Number), "security-team-approval") {
		t.Fatal("a command on an issue with a copied marker signed off the release")
	}
	// The same command on the PR counts.
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.settle()
	if !ticked(t, issueBody(h, real.Number), "security-team-approval") {
		t.Error("the command on the tracking issue itself did not count")
	}
}

// TestE2EPeriodicSweepRepairsMissedWebhook: a CI result whose webhook
// never came is picked up by the periodic reconcile sweep alone.
func TestE2EPeriodicSweepRepairsMissedWebhook(t *testing.T) {
	t.Parallel()
	// A sweep a second: often enough to be seen within the deadline, and
	// far apart enough that a loaded machine drains each sweep's refresh
	// before the next, so settle() finds the queue empty between sweeps.
	h := newHarness(t, harnessOpts{opts: worker.Options{Reconcile: time.Second}})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	const item = "unit-tests-comprehensive-and-passing"
	if ticked(t, h.issue(t).Body, item) {
		t.Fatal("setup: unit tests already pass")
	}
	h.fake.AddCheckRun(testRepo, "CI / unit tests", headA, "completed", "success")
	deadline := time.Now().Add(30 * time.Second)
	for !ticked(t, h.issue(t).Body, item) {
		if time.Now().After(deadline) {
			t.Fatal("the periodic sweep never picked up the CI result")
		}
		time.Sleep(50 * time.Millisecond)
	}
	s, err := h.nodes[0].sys.Worker().Snapshot(context.Background(), release.Key{Owner: "Codertocat", Repo: "Hello-World", PR: prNum})
	if err != nil || s == nil {
		t.Fatalf("snapshot: %v", err)
	}
}

// TestE2ELedgerOfAnotherRepositoryIDRejected: the ledger is bound to the
// repository's id, not only its name. A repository deleted and created
// again under the same owner/name (or one renamed into the old name) has
// another id; a tracking issue carried over into it, with a ledger signed
// for the first one, must restore nothing after Redis is lost.
func TestE2ELedgerOfAnotherRepositoryIDRejected(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.settle()
	if !ticked(t, h.issue(t).Body, "security-team-approval") {
		t.Fatal("setup: the sign-off is missing")
	}
	flushRedis(t, h)
	h.fake.Do(func(repos map[string]*githubfake.Repo) { repos[testRepo].ID = 999999 })
	reconcileAll(t, h)
	h.settle()
	if ticked(t, h.issue(t).Body, "security-team-approval") {
		t.Fatal("a ledger signed for another repository id restored its sign-off")
	}
}

// TestE2ELedgerOfSameRepositoryIDRestored is the control: the same
// rebuild with the repository unchanged restores the sign-off.
func TestE2ELedgerOfSameRepositoryIDRestored(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.settle()
	flushRedis(t, h)
	reconcileAll(t, h)
	h.settle()
	if !ticked(t, h.issue(t).Body, "security-team-approval") {
		t.Fatal("the release's own ledger did not restore its sign-off")
	}
}
