package e2e

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/cli"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/worker"
)

// TestE2EOneIssueUnderDuplicatesAndRacingWorkers: a release PR opens
// exactly one issue, one PR comment and one check run, though its
// deliveries arrive five times over, by hand-redelivery (same id) and as
// separate events, at two replicas racing on one Redis.
func TestE2EOneIssueUnderDuplicatesAndRacingWorkers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{replicas: 2})
	opened := h.openPR(t, "opened", nil)
	reopened := h.openPR(t, "reopened", nil)
	var wg sync.WaitGroup
	codes := make(chan int, 20)
	for i := range 5 {
		wg.Add(2)
		go func() { defer wg.Done(); codes <- h.post(i, "pull_request", opened, "same-delivery") }()
		go func() { defer wg.Done(); codes <- h.post(i+1, "pull_request", reopened, "") }()
	}
	wg.Wait()
	close(codes)
	queued := 0
	for c := range codes {
		if c == http.StatusAccepted {
			queued++
		} else if c != http.StatusOK {
			t.Errorf("POST /webhook: got %d, want 202 or 200 (duplicate)", c)
		}
	}
	if queued != 6 {
		t.Errorf("queued %d deliveries, want 6 (one per delivery id)", queued)
	}
	h.settle()
	is := h.issue(t)
	if !strings.Contains(is.Body, "<!-- golive:release Codertocat/Hello-World#2 -->") {
		t.Errorf("issue body lacks the release marker:\n%s", is.Body[:200])
	}
	if got := len(h.readiness("")); got != 1 {
		t.Errorf("got %d readiness check runs, want 1", got)
	}
	if got := len(h.comments(prNum)); got != 1 {
		t.Errorf("got %d PR comments, want 1", got)
	}
	cr := h.readiness(headA)[0]
	if cr.Conclusion != "failure" || !strings.HasPrefix(cr.Title(), "Blocked: ") {
		t.Errorf("check run = %s %q, want a failure that says Blocked", cr.Conclusion, cr.Title())
	}
	if !strings.Contains(cr.Summary(), "/issues/") {
		t.Errorf("check run summary does not link the issue:\n%s", cr.Summary())
	}
}

// TestE2ECIEvidence: a passing check ticks its item, a failure unticks it,
// and a push resets CI evidence.
func TestE2ECIEvidence(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	const unit = "unit-tests-comprehensive-and-passing"
	h.send("check_run", h.checkRun(t, "CI / unit tests", headA, "success"))
	h.settle()
	if !ticked(t, h.issue(t).Body, unit) {
		t.Fatal("a passing unit-test check did not tick its item")
	}
	before := h.readiness(headA)[0].Title()
	h.send("check_run", h.checkRun(t, "CI / unit tests", headA, "failure"))
	h.settle()
	if ticked(t, h.issue(t).Body, unit) {
		t.Fatal("a failing unit-test check left its item ticked")
	}
	after := h.readiness(headA)[0].Title()
	if before == after {
		t.Errorf("check run title did not change with the evidence: %q", after)
	}
	h.send("check_run", h.checkRun(t, "CI / unit tests", headA, "success"))
	h.settle()
	// A push moves the release to a new head: CI evidence starts over
	// and the check run is reported on the new head.
	h.fake.Do(func(repos map[string]*githubfake.Repo) { repos[testRepo].Pulls[prNum].HeadSHA = headB })
	h.send("pull_request", h.openPR(t, "synchronize", func(m map[string]any) { set(m, "pull_request.head.sha", headB) }))
	h.settle()
	if ticked(t, h.issue(t).Body, unit) {
		t.Error("CI evidence of the old head still ticks the item after a push")
	}
	if got := len(h.readiness(headB)); got != 1 {
		t.Errorf("got %d check runs on the new head, want 1", got)
	}
	// Evidence from the old head no longer counts.
	h.send("check_run", h.checkRun(t, "CI / unit tests", headA, "success"))
	h.settle()
	if ticked(t, h.issue(t).Body, unit) {
		t.Error("a check on the old head ticked the item")
	}
}

// TestE2EDeployment: a successful deployment to staging ticks its items.
func TestE2EDeployment(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	h.send("deployment_status", h.deploy(t, "staging", headA, "success"))
	h.settle()
	body := h.issue(t).Body
	for _, id := range []string{"deployment-pipeline-configured", "staging-environment-matches-production"} {
		if !ticked(t, body, id) {
			t.Errorf("%s not ticked by a staging deployment", id)
		}
	}
	h.send("deployment_status", h.deploy(t, "staging", headA, "failure"))
	h.settle()
	if ticked(t, h.issue(t).Body, "deployment-pipeline-configured") {
		t.Error("a failed staging deployment left the item ticked")
	}
}

// TestE2EHumanTicks: an allowed tick is kept with its evidence; a
// forbidden one is reverted and one reply says why.
func TestE2EHumanTicks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	const open, guarded = "aws-account-with-appropriate-billing", "authentication-mechanism-implemented"
	h.send("issues", h.tick(t, "rita", open, true))
	h.settle()
	is := h.issue(t)
	if !ticked(t, is.Body, open) || !strings.Contains(is.Body, "by rita") {
		t.Fatalf("rita's tick was not kept with its evidence")
	}
	h.send("issues", h.tick(t, "victor", guarded, true))
	h.settle()
	is = h.issue(t)
	if ticked(t, is.Body, guarded) {
		t.Fatal("victor's forbidden tick stands")
	}
	replies := h.comments(is.Number)
	if len(replies) != 1 || !strings.Contains(replies[0].Body, "@victor") || !strings.Contains(replies[0].Body, "may tick it") {
		t.Fatalf("got replies %+v, want one that tells victor why", replies)
	}
	// golive's own edits (sender type Bot) change nothing.
	writes := h.fake.Writes()
	bot := h.tick(t, "golive[bot]", "aws-account-with-appropriate-billing", false)
	bot = []byte(strings.Replace(string(bot), `"type":"User"`, `"type":"Bot"`, 1))
	h.send("issues", bot)
	h.settle()
	if h.fake.Writes() != writes {
		t.Errorf("a bot's edit caused %d writes", h.fake.Writes()-writes)
	}
}

// TestE2EMergeAndClose: a merge moves the release to post-go-live with the
// issue open; a close without merge closes the issue as not planned.
func TestE2EMergeAndClose(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	h.send("pull_request", h.openPR(t, "closed", func(m map[string]any) {
		set(m, "pull_request.merged", true)
		set(m, "pull_request.merged_at", "2026-11-25T10:00:00Z")
		set(m, "pull_request.merge_commit_sha", headB)
	}))
	h.settle()
	is := h.issue(t)
	if is.State != "open" || !strings.Contains(is.Body, "merged 2026-11-25 10:00 UTC, post-go-live monitoring") {
		t.Fatalf("after the merge: state %s, body head:\n%s", is.State, is.Body[:400])
	}
	// A deployment of the merge commit finds the release by its SHA.
	h.send("deployment_status", h.deploy(t, "production", headB, "success"))
	h.settle()

	h2 := newHarness(t, harnessOpts{})
	h2.send("pull_request", h2.openPR(t, "opened", nil))
	h2.settle()
	h2.send("pull_request", h2.openPR(t, "closed", func(m map[string]any) { set(m, "pull_request.merged", false) }))
	h2.settle()
	is = h2.issue(t)
	if is.State != "closed" || is.StateReason != "not_planned" {
		t.Errorf("after a close without merge: %s (%s), want closed (not_planned)", is.State, is.StateReason)
	}
}

// TestE2EReconcileAfterRedisLoss: with Redis flushed, reconcile rebuilds
// the release from GitHub: the same issue, byte for byte, and no second.
func TestE2EReconcileAfterRedisLoss(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	h.send("check_run", h.checkRun(t, "CI / unit tests", headA, "success"))
	h.send("deployment_status", h.deploy(t, "staging", headA, "success"))
	h.settle()
	h.send("issues", h.tick(t, "rita", "aws-account-with-appropriate-billing", true))
	h.settle()
	want := h.issue(t).Body
	wantCheck := h.readiness(headA)[0].Summary()

	ctx := context.Background()
	rdb := h.nodes[0].sys.Store().Client()
	keys, _ := rdb.Keys(ctx, h.redis.Prefix+":*").Result()
	if len(keys) == 0 {
		t.Fatal("no keys to flush")
	}
	rdb.Del(ctx, keys...)

	var out strings.Builder
	if err := cli.Reconcile(ctx, &out, h.nodes[0].sys, nil); err != nil {
		t.Fatalf("reconcile: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Codertocat/Hello-World#2: reconciled") {
		t.Errorf("reconcile said:\n%s", out.String())
	}
	got := h.issue(t).Body
	if got != want {
		t.Errorf("the rebuilt issue differs:\n--- before\n%s\n--- after\n%s", firstDiff(want, got), firstDiff(got, want))
	}
	if s := h.readiness(headA)[0].Summary(); s != wantCheck {
		t.Errorf("the rebuilt verdict differs:\n%s\nwant\n%s", s, wantCheck)
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range al {
		if i >= len(bl) || al[i] != bl[i] {
			return al[i]
		}
	}
	return "(same)"
}

// TestE2EBurstIsCoalesced: 50 CI results on one release make at most two
// issue edits and two check run updates; a no-op event writes nothing.
func TestE2EBurstIsCoalesced(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{opts: worker.Options{Coalesce: 400 * time.Millisecond, MaxCoalesce: 10 * time.Second}})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	edits := h.issue(t).Edits
	updates := h.readiness(headA)[0].Updates
	h.fake.ResetCounts()
	var bodies [][]byte
	for i := range 50 {
		name := []string{"CI / unit tests", "CI / integration", "CI / e2e", "image-build", "sast"}[i%5]
		concl := "success"
		if i%7 == 3 {
			concl = "failure"
		}
		bodies = append(bodies, h.checkRun(t, name, headA, concl))
	}
	for _, b := range bodies {
		h.send("check_run", b)
	}
	h.settle()
	if got := h.issue(t).Edits - edits; got > 2 {
		t.Errorf("50 check runs made %d issue edits, want ≤ 2", got)
	}
	if got := h.readiness(headA)[0].Updates - updates; got > 2 {
		t.Errorf("50 check runs made %d check run updates, want ≤ 2", got)
	}
	t.Logf("GitHub requests for a burst of 50 check runs:\n%s", h.fake.CountsTable())

	// A no-op: the same result again.
	h.fake.ResetCounts()
	was := h.issue(t).Body
	h.send("check_run", bodies[len(bodies)-1])
	h.settle()
	if w := h.fake.Writes(); w != 0 {
		t.Errorf("a no-op event made %d writes:\n%s\nbefore: %s\nafter:  %s", w, h.fake.CountsTable(), firstDiff(was, h.issue(t).Body), firstDiff(h.issue(t).Body, was))
	}
}

// TestE2EKilledWorkerIsReclaimed: a replica reads a delivery and dies
// before acknowledging it; another claims it and applies it once.
func TestE2EKilledWorkerIsReclaimed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{replicas: -1})
	ctx := context.Background()
	store := redisstore.New(h.redis.Client, h.redis.Prefix)
	if _, err := store.Enqueue(ctx, worker.Delivery{ID: "killed-1", Event: "pull_request", Payload: h.openPR(t, "opened", nil), Received: time.Now()}); err != nil {
		t.Fatal(err)
	}
	// A consumer read the entry and died: it is pending, never acked.
	got, err := store.Read(ctx, "killed-consumer", 10, time.Second)
	if err != nil || len(got) != 1 {
		t.Fatalf("read %d entries (%v), want the one", len(got), err)
	}
	h.start(worker.Options{ClaimIdle: 300 * time.Millisecond})
	h.settle()
	if n := len(h.issues()); n != 1 {
		t.Fatalf("got %d issues after the reclaim, want 1", n)
	}
	if n := len(h.readiness("")); n != 1 {
		t.Fatalf("got %d check runs after the reclaim, want 1", n)
	}
}

// TestE2EGitHubDown: GitHub answers 502 for a while; the delivery is
// retried with backoff and applied once GitHub is back.
func TestE2EGitHubDown(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{opts: worker.Options{RetryBase: 50 * time.Millisecond}})
	h.fake.Inject(&githubfake.Fault{Status: 502, Times: 6})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	h.issue(t)
	if n := len(h.readiness(headA)); n != 1 {
		t.Fatalf("got %d check runs, want 1", n)
	}
}

// TestE2EBadPayloadIsDeadLettered: a signed payload that is JSON but not
// the event it claims goes to the dead letters, with its reason, at once.
func TestE2EBadPayloadIsDeadLettered(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	h.allowDeadLetters()
	h.send("pull_request", []byte(`{"action":"opened","pull_request":{"number":"two"}}`))
	h.send("pull_request", []byte(`{"action":"opened","pull_request":`)) // cut short: ingest queues it
	h.settle()
	dead, err := h.nodes[0].sys.Store().Dead(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 2 || !strings.Contains(dead[0].Error, "malformed payload") || !strings.Contains(dead[1].Error, "malformed payload") {
		t.Fatalf("dead letters = %+v, want the two malformed payloads", dead)
	}
	if len(h.issues()) != 0 {
		t.Error("a malformed payload opened an issue")
	}
}

// TestE2EInvalidConfig: a broken .github/golive.yml on the default branch
// fails the check with its problems as annotations; it does not open the
// gate, and the issue says why.
func TestE2EInvalidConfig(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		repos[testRepo].Files[".github/golive.yml"] = "version: 1\nrelease:\n  head_branchez: [\"release/*\"]\n"
	})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	cr := h.readiness(headA)[0]
	if cr.Conclusion != "failure" {
		t.Errorf("conclusion %s, want failure", cr.Conclusion)
	}
	if !strings.Contains(string(cr.Output), `"annotations"`) || !strings.Contains(string(cr.Output), "head_branchez") {
		t.Errorf("check output lacks the config problem as an annotation:\n%s", cr.Output)
	}
	if !strings.Contains(h.issue(t).Body, "`.github/golive.yml:3:") {
		t.Errorf("issue does not show the problem:\n%.1500s", h.issue(t).Body)
	}
}
