package e2e

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/app"
	"github.com/ag06mixer/golive/internal/worker"
)

// TestSyncAtTheCapWithoutTheFlusher: under a steady stream of events a
// release's quiet window never comes, and the flusher may never win its
// lock; the worker that applies an event past the cap hands the sync to
// the cap pool, which takes the lock next (tracker/capsync.go). Here no
// flusher runs at all (the worker's loops are not started), so only that
// path can write the tracking issue.
func TestSyncAtTheCapWithoutTheFlusher(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{replicas: -1})
	st := &app.Settings{WebhookSecret: testSecret, GitHubAPI: h.fake.URL(), RedisURL: h.redis.URL, RedisPrefix: h.redis.Prefix, Workers: 1, LogLevel: "error"}
	// The worker's clock is the test's: the cap passes when the test says.
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	sys, err := app.New(context.Background(), st, app.NewLogger(io.Discard, "error", "json"),
		worker.Options{Coalesce: 2 * time.Second, MaxCoalesce: 10 * time.Second, Reconcile: -1, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	handle := func(event string, body []byte, id string) {
		t.Helper()
		if _, err := sys.Worker().Handle(context.Background(), worker.Delivery{ID: id, Event: event, Payload: body, Received: time.Now(), Attempt: 1}); err != nil {
			t.Fatalf("handle %s: %v", id, err)
		}
	}
	handle("pull_request", h.openPR(t, "opened", nil), "open")
	// Within the cap, events only mark the release owed a sync.
	advance(time.Second)
	handle("check_run", h.checkRun(t, "CI / unit tests", headA, "success"), "c1")
	if n := len(h.issues()); n != 0 {
		t.Fatalf("%d issues written before the cap; want the write coalesced", n)
	}
	// Past the 10 s cap since the first mark: the new mark falls due at once
	// (the quiet window alone would put it 2 s out).
	advance(9500 * time.Millisecond)
	handle("check_run", h.checkRun(t, "CI / integration", headA, "failure"), "c2")
	sys.Worker().StopCapSyncs(time.Minute) // waits for the pool's sync
	is := h.issues()
	if len(is) != 1 {
		t.Fatalf("%d issues after an event past the cap; want the cap pool to have written it", len(is))
	}
	if !ticked(t, is[0].Body, "unit-tests-comprehensive-and-passing") {
		t.Error("the issue written at the cap lacks the evidence applied before it")
	}
}
