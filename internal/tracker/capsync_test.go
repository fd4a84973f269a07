package tracker_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/tracker"
	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

// heldEdits is the fake GitHub whose edits of one issue hang until the
// test lets them go (or the caller gives up): a slow GitHub under the
// sync at a release's cap.
type heldEdits struct {
	*trackertest.GitHub
	issue int
	// slow's edits take slowFor, unless their context ends first.
	slow    int
	slowFor time.Duration
	entered chan struct{}
	let     chan struct{}
	mu      sync.Mutex
	tries   map[int]int // edits asked, by issue
}

func (h *heldEdits) Installation(int64) (tracker.GitHub, error) { return h, nil }

func (h *heldEdits) EditIssueBody(ctx context.Context, owner, repo string, n int, body string) error {
	h.mu.Lock()
	h.tries[n]++
	h.mu.Unlock()
	if n == h.slow && n != 0 {
		select {
		case <-time.After(h.slowFor):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if n == h.issue {
		select {
		case h.entered <- struct{}{}:
		default:
		}
		select {
		case <-h.let:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return h.GitHub.EditIssueBody(ctx, owner, repo, n, body)
}

const capConfig = "version: 1\nroles:\n  - id: qa\n    users: [rita]\n  - id: sec\n    users: [sam]\n  - id: ops\n    users: [olga]\n"

// capRig is two releases (PRs 2 and 3) on a tracker that coalesces for a
// minute, capped at 5 minutes, its clock moved by the test, with edits of
// PR 2's tracking issue held (held.let releases them).
type capRig struct {
	*rig
	clk  *testClock
	held *heldEdits
}

func newCapRig(t *testing.T, pool int) *capRig { return newCapRigLocks(t, pool, nil) }

// newCapRigLocks is newCapRig whose lock calls go through wrap's Locks.
func newCapRigLocks(t *testing.T, pool int, wrap func(*trackertest.Store) tracker.Locks) *capRig {
	return newCapRigTuned(t, pool, wrap, nil)
}

// newCapRigTuned is newCapRigLocks with tune's changes to the options.
func newCapRigTuned(t *testing.T, pool int, wrap func(*trackertest.Store) tracker.Locks, tune func(*tracker.Options)) *capRig {
	r := &capRig{rig: newRig(t), clk: newTestClock(t0.Add(time.Hour))}
	var locks tracker.Locks = r.st
	if wrap != nil {
		locks = wrap(r.st)
	}
	r.gh.ConfigRepo = []byte(capConfig)
	r.gh.Perms["sam"], r.gh.Perms["olga"] = "write", "write"
	r.gh.PRs[3] = release.PRInfo{Title: "Release 2.0", Author: "Codertocat", HeadRef: "release/2.0", BaseRef: "main", HeadSHA: headB, State: "open"}
	r.held = &heldEdits{GitHub: r.gh, entered: make(chan struct{}, 1), let: make(chan struct{}), tries: map[int]int{}}
	t.Cleanup(func() {
		select {
		case <-r.held.let:
		default:
			close(r.held.let)
		}
		r.tr.StopCapSyncs(10 * time.Second)
	})
	o := tracker.Options{States: r.st, Locks: locks, Index: r.st, Marks: r.st, Cache: r.st, Queue: r.st, GitHub: r.held,
		HTTPStatus: trackertest.Status, OrderWindow: -1, Coalesce: time.Minute, MaxCoalesce: 5 * time.Minute, CapSyncs: pool, SyncBackoff: time.Hour,
		Clock: r.clk.Now}
	if tune != nil {
		tune(&o)
	}
	r.tr = tracker.New(o)
	r.open()
	r.handle("pull_request", payload(t, "pull_request/opened.json", map[string]any{
		"number": 3, "pull_request.number": 3, "pull_request.head.ref": "release/2.0", "pull_request.head.sha": headB,
		"pull_request.base.ref": "main", "pull_request.title": "Release 2.0", "pull_request.created_at": t0.Format(time.RFC3339),
	}))
	r.clk.advance(2 * time.Minute)
	if n, err := r.tr.Flush(context.Background()); err != nil || n != 2 {
		t.Fatalf("flush after the openings synced %d: %v", n, err)
	}
	r.held.issue = r.state().Issue // PR 2's
	if r.held.issue == 0 {
		t.Fatal("no tracking issue of PR 2")
	}
	// Each release gets a sign-off, then, past its cap, another: a
	// steady stream whose second event finds the sync due at the cap.
	for _, pr := range []int{prNum, 3} {
		r.handle("issue_comment", r.commentOn(pr, int64(900+pr), "rita", "/approve qa"))
	}
	r.clk.advance(6 * time.Minute)
	return r
}

// commentOn is r.comment on PR pr.
func (r *capRig) commentOn(pr int, id int64, user, body string) []byte {
	return payload(r.t, "issue_comment/created.json", map[string]any{
		"comment.id": id, "comment.body": body, "comment.user.login": user, "comment.created_at": r.clk.Now().Format(time.RFC3339),
		"sender.login": user, "sender.type": "User", "issue.number": pr, "issue.body": "",
		"issue.pull_request": map[string]any{"url": fmt.Sprintf("https://api.github.com/repos/%s/%s/pulls/%d", owner, repo, pr)},
		"installation":       map[string]any{"id": 1},
	})
}

// handleAsync applies a delivery on another goroutine, as a worker does;
// the channel gets its error when Handle returns.
func (r *capRig) handleAsync(event string, body []byte) <-chan error {
	r.n++
	d := queue.Delivery{ID: fmt.Sprintf("d-%d", r.n), Event: event, Payload: body, Attempt: 1, Received: t0}
	out := make(chan error, 1)
	go func() { _, err := r.tr.Handle(context.Background(), d); out <- err }()
	return out
}

// waitFor fails the test unless ch yields within a bound far above any
// honest wait (the bound only keeps a broken build from hanging).
func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: still waiting after 10 s", what)
	}
	var zero T
	return zero
}

func (r *capRig) dirty(rel string) bool {
	ok := false
	r.st.Do(func(s *trackertest.Store) { _, ok = s.Dirty[rel] })
	return ok
}

// TestCapSyncOffTheWorker: the event that finds its release's sync due
// at the cap is handled, and its worker freed, while that sync is still
// writing (a slow GitHub); the sync runs on the cap pool, asks for the
// lock first in the release's line, and clears the mark once written.
func TestCapSyncOffTheWorker(t *testing.T) {
	r := newCapRig(t, 2)
	m := r.mark()
	handled := r.handleAsync("issue_comment", r.commentOn(prNum, 950, "sam", "/approve sec"))
	if err := waitFor(t, handled, "the event at the cap, with its sync held by GitHub (was the sync made on the event's worker?)"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, r.held.entered, "the cap sync's issue edit")
	lead := false
	r.st.Do(func(s *trackertest.Store) {
		for _, a := range s.Asked {
			lead = lead || (a.Release == key.String() && a.Place == tracker.Place{})
		}
	})
	if !lead {
		t.Error("the cap sync did not ask for the lock first in line: the stream's events could take it every time")
	}
	if !r.dirty(key.String()) {
		t.Error("the mark was cleared before its sync was written")
	}
	close(r.held.let)
	r.tr.StopCapSyncs(10 * time.Second)
	if got := r.writes(m); !has(got, fmt.Sprintf("EditIssueBody %d", r.held.issue)) {
		t.Fatalf("writes = %v, want the cap sync's issue edit", got)
	}
	if r.dirty(key.String()) {
		t.Error("the mark stays after the cap sync: the flusher would sync the release again")
	}
}

// TestCapSyncPoolFullSyncsInline: with the pool's one slot busy (PR 2's
// sync held by GitHub), PR 3's sync at its cap is made by the event's own
// worker before Handle returns: a full pool slows the stream, it drops
// nothing.
func TestCapSyncPoolFullSyncsInline(t *testing.T) {
	r := newCapRig(t, 1)
	m := r.mark()
	if err := waitFor(t, r.handleAsync("issue_comment", r.commentOn(prNum, 950, "sam", "/approve sec")), "PR 2's event at the cap"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, r.held.entered, "PR 2's cap sync")
	r.handle("issue_comment", r.commentOn(3, 951, "sam", "/approve sec"))
	r.syncedInline(m)
}

// syncedInline checks that PR 3's issue was edited once since mark m,
// before its event's Handle returned, and its mark cleared.
func (r *capRig) syncedInline(m int) {
	r.t.Helper()
	edits := 0
	for _, w := range r.writes(m) {
		if has([]string{w}, "EditIssueBody") && w != fmt.Sprintf("EditIssueBody %d", r.held.issue) {
			edits++
		}
	}
	if edits != 1 {
		r.t.Fatalf("writes = %v, want PR 3's issue edited before its event's Handle returned", r.writes(m))
	}
	if r.dirty("Codertocat/Hello-World#3") {
		r.t.Error("PR 3's mark stays after its inline sync")
	}
}

// TestCapSyncStopped: stopping gives a held cap sync its grace, then
// cancels it; its mark stays for the flusher, and a sync due at the cap
// after the stop is made inline.
func TestCapSyncStopped(t *testing.T) {
	r := newCapRig(t, 2)
	if err := waitFor(t, r.handleAsync("issue_comment", r.commentOn(prNum, 950, "sam", "/approve sec")), "the event at the cap"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, r.held.entered, "the cap sync")
	stopped := make(chan struct{})
	go func() { r.tr.StopCapSyncs(20 * time.Millisecond); close(stopped) }()
	waitFor(t, stopped, "StopCapSyncs past its grace")
	if !r.dirty(key.String()) {
		t.Fatal("the cancelled cap sync cleared its mark: the flusher would never write the sign-off")
	}
	m := r.mark()
	r.handle("issue_comment", r.commentOn(3, 951, "sam", "/approve sec"))
	if got := r.writes(m); !has(got, "EditIssueBody") {
		t.Fatalf("writes = %v, want the sync at the cap made inline once the pool stopped", got)
	}
}

// TestCapSyncBacksOff: a sync at the cap that GitHub fails is not tried
// again by the next event at the cap, nor by the flusher, before its
// backoff has passed: under a steady stream every event would otherwise
// start a sync that holds the lock for GitHub's timeout.
func TestCapSyncBacksOff(t *testing.T) {
	r := newCapRig(t, 2)
	close(r.held.let)
	r.tr.StopCapSyncs(10 * time.Second) // syncs at the cap inline from here: one at a time, in this goroutine
	r.gh.Do(func(g *trackertest.GitHub) { g.Errors["EditIssueBody"] = trackertest.StatusError{Code: 502} })
	issue3 := 0
	if s, err := r.tr.Snapshot(context.Background(), release.Key{Owner: owner, Repo: repo, PR: 3}); err != nil || s == nil || s.Issue == 0 {
		t.Fatalf("PR 3's record: %v %v", s, err)
	} else {
		issue3 = s.Issue
	}
	tries := func() int {
		r.held.mu.Lock()
		defer r.held.mu.Unlock()
		return r.held.tries[issue3]
	}
	r.handle("issue_comment", r.commentOn(3, 951, "sam", "/approve sec"))
	if got := tries(); got != 1 {
		t.Fatalf("%d edits of PR 3's issue tried at the cap, want 1", got)
	}
	r.handle("issue_comment", r.commentOn(3, 952, "rita", "/approve qa"))
	if _, err := r.tr.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := tries(); got != 1 {
		t.Fatalf("%d edits of PR 3's issue tried within the backoff, want 1: the next event at the cap or the flusher tried again", got)
	}
	if !r.dirty("Codertocat/Hello-World#3") {
		t.Fatal("the failed sync's mark is gone: nobody would write the sign-off")
	}
}

// lockedClears are the store's marks, noting for each clear whether the
// release's lock was held while it was made.
type lockedClears struct {
	*trackertest.Store
	unlocked []string
}

func (l *lockedClears) ClearDirty(ctx context.Context, d queue.Dirty) (bool, error) {
	l.Do(func(s *trackertest.Store) {
		if s.Holders[d.Release] == "" {
			l.unlocked = append(l.unlocked, d.Release)
		}
	})
	return l.Store.ClearDirty(ctx, d)
}

// TestFlushClearsUnderTheLock: the flusher clears a mark while it holds
// the lock it synced under. Let go first, an event could mark the release
// again in between, and with the mark's counter started over by another
// clear (the cap pool's, another replica's) the new mark can carry the
// old one's generation: the clear would take it, and the event's change
// would never be written.
func TestFlushClearsUnderTheLock(t *testing.T) {
	r := newRig(t)
	clk := newTestClock(t0.Add(time.Hour))
	marks := &lockedClears{Store: r.st}
	r.tr = tracker.New(tracker.Options{States: r.st, Locks: r.st, Index: r.st, Marks: marks, Cache: r.st, Queue: r.st, GitHub: r.gh,
		HTTPStatus: trackertest.Status, OrderWindow: -1, Coalesce: time.Minute, MaxCoalesce: 5 * time.Minute,
		Clock: clk.Now})
	r.open()
	clk.advance(2 * time.Minute)
	if n, err := r.tr.Flush(context.Background()); err != nil || n != 1 {
		t.Fatalf("flush synced %d: %v", n, err)
	}
	if r.mark() == 0 {
		t.Fatal("the flush wrote nothing")
	}
	if len(marks.unlocked) != 0 {
		t.Fatalf("marks of %v cleared without the release's lock", marks.unlocked)
	}
}

// leadRefused fails the lock asks made first in line (the cap pool's),
// as a Redis failing those calls would, and counts them.
type leadRefused struct {
	*trackertest.Store
	asks atomic.Int64
}

func (l *leadRefused) AcquireState(ctx context.Context, rel, token string, ttl time.Duration, p queue.Place, take bool) (queue.Taken, error) {
	if p == (tracker.Place{}) {
		l.asks.Add(1)
		return queue.Taken{}, errors.New("redis: connection reset by peer")
	}
	return l.Store.AcquireState(ctx, rel, token, ttl, p, take)
}

// TestCapSyncWithoutTheLock: a cap sync that never gets the lock gives
// way without counting a failed sync: the release is owed nothing by the
// pool (a later event at the cap hands its sync over again), no backoff
// starts, and the mark stays, so the flusher makes the sync at once.
func TestCapSyncWithoutTheLock(t *testing.T) {
	var locks *leadRefused
	r := newCapRigLocks(t, 2, func(s *trackertest.Store) tracker.Locks {
		locks = &leadRefused{Store: s}
		return locks
	})
	m := r.mark()
	r.handle("issue_comment", r.commentOn(prNum, 950, "sam", "/approve sec"))
	r.tr.WaitCapSyncs()
	if n := locks.asks.Load(); n != 1 {
		t.Fatalf("the cap pool asked for the lock %d times, want once (was the sync handed over?)", n)
	}
	if n := r.tr.CapSyncsOwed(); n != 0 {
		t.Errorf("the pool still owes %d syncs after giving way: a later event at the cap would hand nothing over", n)
	}
	if !r.dirty(key.String()) {
		t.Fatal("the mark went though no sync was made")
	}
	close(r.held.let)
	if _, err := r.tr.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r.dirty(key.String()) {
		t.Error("the flusher left the release owed its sync: a backoff started though no sync failed")
	}
	if got := r.writes(m); !has(got, fmt.Sprintf("EditIssueBody %d", r.held.issue)) {
		t.Errorf("writes = %v, want the flusher's issue edit", got)
	}
}
