package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/app"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/worker"
)

// Deterministic tests of issue #16's ordering: no worker loop runs; the
// test hands each entry to the worker itself.

// TestSettleWaitsForQueuedComments: a settle that falls due while a
// comment of its release is still in the queue (a backlog) puts itself
// off instead of refusing; the approval takes effect once the comments
// are applied. No worker loop runs: the test hands each entry over.
func TestSettleWaitsForQueuedComments(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{replicas: -1})
	signers(h)
	st := &app.Settings{WebhookSecret: testSecret, GitHubAPI: h.fake.URL(), RedisURL: h.redis.URL, RedisPrefix: h.redis.Prefix, Workers: 1, LogLevel: "error"}
	sys, err := app.New(context.Background(), st, app.NewLogger(io.Discard, "error", "json"),
		worker.Options{Coalesce: -1, Reconcile: -1, SettleWindow: time.Millisecond, OrderWindow: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	ctx := context.Background()
	handle := func(d worker.Delivery) string {
		t.Helper()
		d.Attempt, d.Received = 1, time.Now()
		out, err := sys.Worker().Handle(ctx, d)
		if err != nil {
			t.Fatalf("handle %s: %v", d.ID, err)
		}
		return out
	}
	handle(worker.Delivery{ID: "open", Event: "pull_request", Payload: h.openPR(t, "opened", nil)})
	var four []worker.Delivery
	for i, who := range fiveSigners[:4] {
		user, role, _ := strings.Cut(who, " ")
		b, _ := prComment(t, h, prNum, user, "/approve "+role)
		four = append(four, worker.Delivery{ID: fmt.Sprintf("sign-%d", i), Event: "issue_comment", Payload: b, Received: time.Now()})
	}
	final, finalID := prComment(t, h, prNum, "rita", "/approve final")
	for _, d := range four { // received, not yet applied: a backlog
		if _, err := sys.Store().Enqueue(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	handle(worker.Delivery{ID: "final", Event: "issue_comment", Payload: final})
	settleReq, _ := json.Marshal(worker.SettleRequest{Release: fmt.Sprintf("%s#%d", testRepo, prNum), Installation: 1})
	time.Sleep(5 * time.Millisecond) // past the 1 ms settle window
	if out := handle(worker.Delivery{ID: "settle-1", Event: worker.EventSettle, Payload: settleReq}); out != "deferred" {
		t.Errorf("settle with four sign-offs queued: %s, want deferred", out)
	}
	if r := h.replies(prNum); len(r) != 0 || len(reactionsOn(h, finalID)) != 0 {
		t.Fatalf("settled while sign-offs were queued: replies %q, reactions %v", r, reactionsOn(h, finalID))
	}
	queued, err := sys.Store().Read(ctx, "test", 10, 10*time.Millisecond)
	if err != nil || len(queued) != 4 {
		t.Fatalf("read %d queued, %v", len(queued), err)
	}
	for _, d := range queued {
		handle(d)
		if err := sys.Store().Ack(ctx, d.Entry); err != nil {
			t.Fatal(err)
		}
	}
	if got := reactionsOn(h, finalID); !slices.Equal(got, []string{"+1"}) || len(h.replies(prNum)) != 0 {
		t.Errorf("final approval after the backlog: reactions %v, replies %q", got, h.replies(prNum))
	}
	if out := handle(worker.Delivery{ID: "settle-2", Event: worker.EventSettle, Payload: settleReq}); out != "ignored" {
		t.Errorf("a settle with nothing pending: %s, want ignored", out)
	}
}

// TestE2ELockLineAppliesInGitHubOrder: events of one release held by
// several workers at once are applied in the order GitHub made them, not
// the order the workers asked for the lock. Final Approval is handed to
// a worker first, the four sign-offs made before it after; all wait on a
// held lock; once it is free the four go first, and Final Approval is
// never pending.
func TestE2ELockLineAppliesInGitHubOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{replicas: -1})
	signers(h)
	st := &app.Settings{WebhookSecret: testSecret, GitHubAPI: h.fake.URL(), RedisURL: h.redis.URL, RedisPrefix: h.redis.Prefix, Workers: 1, LogLevel: "error"}
	sys, err := app.New(context.Background(), st, app.NewLogger(io.Discard, "error", "json"), worker.Options{Coalesce: -1, Reconcile: -1, OrderWindow: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	ctx := context.Background()
	if _, err := sys.Worker().Handle(ctx, worker.Delivery{ID: "open", Event: "pull_request", Payload: h.openPR(t, "opened", nil), Attempt: 1, Received: time.Now()}); err != nil {
		t.Fatal(err)
	}
	var bodies [][]byte
	for _, who := range fiveSigners {
		user, role, _ := strings.Cut(who, " ")
		b, _ := prComment(t, h, prNum, user, "/approve "+role)
		bodies = append(bodies, b)
	}
	rel := fmt.Sprintf("%s#%d", testRepo, prNum)
	if _, err := sys.Store().AcquireState(ctx, rel, "blocker", time.Minute, worker.Place{}, true); err != nil {
		t.Fatal(err)
	}
	line := h.redis.Prefix + ":{rel:" + rel + "}:lockq"
	var wg sync.WaitGroup
	for k, i := range []int{4, 0, 1, 2, 3} { // Final Approval first
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := sys.Worker().Handle(ctx, worker.Delivery{ID: fmt.Sprintf("c%d", i), Event: "issue_comment", Payload: bodies[i], Attempt: 1, Received: time.Now()}); err != nil {
				t.Error(err)
			}
		}()
		awaitOrder(t, "a seat in the lock line", func() bool { return h.redis.Client.ZCard(ctx, line).Val() == int64(k+1) })
	}
	if err := sys.Store().Release(ctx, rel, "blocker"); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	s, err := snapshot(h, ctx, release.Key{Owner: "Codertocat", Repo: "Hello-World", PR: prNum})
	if err != nil || s == nil {
		t.Fatal(err)
	}
	var signed []string
	for _, a := range s.Audit {
		switch a.Action {
		case "pending":
			t.Errorf("applied out of GitHub order: %s %s", a.Actor, a.Detail)
		case "signed":
			signed = append(signed, a.Actor)
		}
	}
	if got := strings.Join(signed, " "); got != "tina sam bob olga rita" {
		t.Errorf("signed in the order %q, want tina sam bob olga rita", got)
	}
}
