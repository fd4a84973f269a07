package tracker_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

const qaConfig = "version: 1\nroles:\n  - id: qa\n    users: [rita]\n"

func has(writes []string, prefix string) bool {
	return slices.ContainsFunc(writes, func(w string) bool { return strings.HasPrefix(w, prefix) })
}

// TestCreate: a release PR's opening creates the tracking issue, the PR
// comment and the readiness check run on its head, in that order.
func TestCreate(t *testing.T) {
	r := newRig(t)
	r.open()
	got := r.writes(0)
	if len(got) != 3 || !strings.HasPrefix(got[0], "CreateIssue") || !strings.HasPrefix(got[1], "CreateComment") || got[2] != "CreateCheckRun 103 on "+headA+" failure" {
		t.Fatalf("writes = %v, want issue, comment, failing check on the head", got)
	}
	if s := r.state(); s.Issue != 101 || s.CheckRunID != 103 {
		t.Fatalf("state keeps issue %d check %d", s.Issue, s.CheckRunID)
	}
}

// TestReactAndEdit: a sign-off by the role's holder is acknowledged with
// a reaction and written into the tracking issue's body.
func TestReactAndEdit(t *testing.T) {
	r := newRig(t)
	r.gh.ConfigRepo = []byte(qaConfig)
	r.open()
	m := r.mark()
	r.handle("issue_comment", r.comment(900, "rita", "/approve qa"))
	got := r.writes(m)
	if !slices.Equal(got, []string{"EditIssueBody 101", "AddReaction +1 on 900"}) {
		t.Fatalf("writes = %v, want the body edited and +1 on the command", got)
	}
	if !strings.Contains(r.gh.Issues[101].Body, "rita") {
		t.Error("the tracking issue does not name the sign-off")
	}
}

// TestReply: a refused command gets a -1 and one reply on the PR naming
// why.
func TestReply(t *testing.T) {
	r := newRig(t)
	r.gh.ConfigRepo = []byte(qaConfig)
	r.open()
	r.handle("issue_comment", r.comment(900, "rita", "/approve qa"))
	m := r.mark()
	r.handle("issue_comment", r.comment(901, "victor", "/approve qa"))
	got := r.writes(m)
	if !has(got, "AddReaction -1 on 901") || !has(got, "CreateComment 104 on 2") {
		t.Fatalf("writes = %v, want -1 and a reply on the PR", got)
	}
	if body := r.gh.Comments[104].Body; !strings.Contains(body, "@victor") || !strings.Contains(body, "already signed off") {
		t.Errorf("reply = %q", body)
	}
	if s := r.state(); len(r.outbox(s.Key.String())) != 0 {
		t.Error("the outbox keeps a reply that was posted")
	}
}

// TestCheckUpdate: a hold changes the verdict's text; the check run on
// the same head is updated, not created again.
func TestCheckUpdate(t *testing.T) {
	r := newRig(t)
	r.open()
	m := r.mark()
	r.handle("issue_comment", r.comment(900, "rita", "/hold waiting for the vendor"))
	got := r.writes(m)
	if !has(got, "UpdateCheckRun 103 failure") || has(got, "CreateCheckRun") {
		t.Fatalf("writes = %v, want check 103 updated", got)
	}
	if !strings.Contains(r.gh.CheckRuns[103].Summary, "On hold") {
		t.Errorf("summary = %q", r.gh.CheckRuns[103].Summary)
	}
}

// TestRecreateAfter404: a tracking issue deleted on GitHub is recreated
// from the state at the next write, and the PR told so once.
func TestRecreateAfter404(t *testing.T) {
	r := newRig(t)
	r.gh.ConfigRepo = []byte(qaConfig)
	r.open()
	delete(r.gh.Issues, 101)
	m := r.mark()
	r.handle("issue_comment", r.comment(900, "rita", "/approve qa"))
	got := r.writes(m)
	if !has(got, "CreateIssue 104") {
		t.Fatalf("writes = %v, want a new issue", got)
	}
	if s := r.state(); s.Issue != 104 {
		t.Fatalf("state names issue %d, want 104", s.Issue)
	}
	notes := 0
	for _, c := range r.gh.Comments {
		if c.Issue == prNum && strings.Contains(c.Body, "was deleted") {
			notes++
		}
	}
	if notes != 1 || !strings.Contains(r.gh.Issues[104].Body, "rita") {
		t.Fatalf("%d notes on the PR; new body keeps the sign-off: %v", notes, strings.Contains(r.gh.Issues[104].Body, "rita"))
	}
}

// TestDeployReview: a deployment of the release's head is answered by
// its readiness (not ready: rejected, saying why), under the release's
// lock: while another holds it, nothing is answered and the delivery is
// retried.
func TestDeployReview(t *testing.T) {
	r := newRig(t)
	r.open()
	gate := payload(t, "deployment_protection_rule/requested.json", map[string]any{
		"environment": "production", "deployment.sha": headA, "deployment.ref": "release/1.0", "deployment.environment": "production",
		"deployment_callback_url": "https://api.github.com/repos/Codertocat/Hello-World/actions/runs/777/deployment_protection_rule",
		"pull_requests":           []any{}, "repository.name": repo, "repository.full_name": owner + "/" + repo, "repository.owner.login": owner,
	})
	r.st.Do(func(s *trackertest.Store) { s.AcquireErr = errors.New("lock line unreachable") })
	if _, err := r.tr.Handle(context.Background(), queue.Delivery{ID: "gate-1", Event: "deployment_protection_rule", Payload: gate, Attempt: 1, Received: t0}); err == nil {
		t.Fatal("the gate answered without the release's lock")
	}
	if len(r.gh.Reviews) != 0 {
		t.Fatalf("reviews = %+v while the lock could not be taken", r.gh.Reviews)
	}
	r.st.Do(func(s *trackertest.Store) { s.AcquireErr = nil })
	r.handle("deployment_protection_rule", gate)
	if len(r.gh.Reviews) != 1 || r.gh.Reviews[0].Approve || r.gh.Reviews[0].RunID != 777 || r.gh.Reviews[0].Env != "production" {
		t.Fatalf("reviews = %+v, want run 777 rejected", r.gh.Reviews)
	}
}

// TestOwedReactionRefusedForNowOwesASync: a reaction GitHub fails with a
// 502 after the sign-off is saved does not fail the delivery (retrying it
// failed each later event of the release in turn, and dead-lettered one
// in CI): the delivery is applied, the reaction stays in the saved
// outbox, the release is marked owed a sync, and the flush posts it.
func TestOwedReactionRefusedForNowOwesASync(t *testing.T) {
	r := newRig(t)
	r.gh.ConfigRepo = []byte(qaConfig)
	r.open()
	r.gh.Do(func(g *trackertest.GitHub) { g.Errors["AddReaction"] = trackertest.StatusError{Code: 502} })
	m := r.mark()
	if out := r.handle("issue_comment", r.comment(900, "rita", "/approve qa")); out != "applied" {
		t.Fatalf("outcome %q, want applied", out)
	}
	if got := r.writes(m); !slices.Equal(got, []string{"EditIssueBody 101"}) {
		t.Fatalf("writes = %v, want the sign-off written and the reaction refused", got)
	}
	if n := len(r.outbox(key.String())); n != 1 {
		t.Fatalf("the outbox keeps %d owed writes, want the reaction", n)
	}
	dirty := func() (d bool) {
		r.st.Do(func(s *trackertest.Store) { _, d = s.Dirty[key.String()] })
		return d
	}
	// The delivery synced at once (no coalescing here), so no sync mark
	// was left by its commit: the failed post must leave one.
	if !dirty() {
		t.Fatal("the release is not marked owed a sync: nothing would post the reaction")
	}
	// A retry of the delivery (its ack lost) finds it applied and is done
	// too, though the reaction still fails.
	again := queue.Delivery{ID: fmt.Sprintf("d-%d", r.n), Event: "issue_comment", Payload: r.comment(900, "rita", "/approve qa"), Attempt: 2, Received: t0}
	if _, err := r.tr.Handle(context.Background(), again); err != nil {
		t.Fatalf("the applied delivery's retry failed on the owed reaction: %v", err)
	}
	// The flush posts it, even while the tracking issue cannot be written
	// (a 403): the outbox does not wait for the sync.
	r.gh.Do(func(g *trackertest.GitHub) {
		delete(g.Errors, "AddReaction")
		g.Errors["GetIssue"] = trackertest.StatusError{Code: 403}
	})
	if n, err := r.tr.Flush(context.Background()); n != 0 || err != nil {
		// The sign-off's milestone, noted after the first write, changes
		// the ledger: the flush reads the issue to edit it, and fails.
		t.Fatalf("flush synced %d (%v), want its sync failed on the issue's 403", n, err)
	}
	if got := r.writes(m); !slices.Contains(got, "AddReaction +1 on 900") {
		t.Fatalf("writes = %v, want the reaction posted by the flush", got)
	}
	if n := len(r.outbox(key.String())); n != 0 {
		t.Fatalf("the outbox keeps %d owed writes after the flush", n)
	}
}
