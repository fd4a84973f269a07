package tracker_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/tracker"
	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

// marksApart is the in-memory store, counting the sync marks the tracker
// asks for on their own (not in a Commit).
type marksApart struct {
	*trackertest.Store
	apart atomic.Int64
}

func (s *marksApart) MarkDirty(ctx context.Context, rel string, now time.Time, window, maxWait time.Duration, since time.Time) (queue.Dirty, time.Time, error) {
	s.apart.Add(1)
	return s.Store.MarkDirty(ctx, rel, now, window, maxWait, since)
}

// commitRig is a rig whose syncs are coalesced and whose clock moves.
type commitRig struct {
	*rig
	st  *marksApart
	clk *testClock
}

func newCommitRig(t *testing.T) *commitRig {
	r := &commitRig{rig: newRig(t), clk: newTestClock(t0.Add(time.Hour))}
	r.st = &marksApart{Store: r.rig.st}
	r.gh.ConfigRepo = []byte(capConfig) // rita signs off as qa, sam as sec
	r.gh.Perms["sam"] = "write"
	r.tr = tracker.New(tracker.Options{States: r.st, Locks: r.st, Index: r.st, Marks: r.st, Cache: r.st, Queue: r.st, GitHub: r.gh,
		HTTPStatus: trackertest.Status, OrderWindow: -1, Coalesce: time.Minute, MaxCoalesce: 5 * time.Minute,
		Clock: r.clk.Now})
	r.open()
	return r
}

// indexWrites are the index entries the store was given so far.
func (r *commitRig) indexWrites() (n int) {
	r.st.Do(func(s *trackertest.Store) { n = s.IndexWrites })
	return n
}

// TestCommitIsOneCall: an event's save and its sync mark reach the store
// in one Commit (one round trip in Redis), not as a save and a mark.
func TestCommitIsOneCall(t *testing.T) {
	r := newCommitRig(t)
	marks := func() (n int) {
		r.st.Do(func(s *trackertest.Store) { n = s.CommitMarks })
		return n
	}
	gen := func() (g int64) {
		r.st.Do(func(s *trackertest.Store) { g = s.Dirty[key.String()].Gen })
		return g
	}
	before, apart, was := marks(), r.st.apart.Load(), gen()
	r.handle("issue_comment", r.comment(501, "rita", "/approve qa"))
	if n := marks() - before; n != 1 || r.st.apart.Load() != apart {
		t.Errorf("a sign-off made %d marks in a Commit and %d apart; want 1 and 0", n, r.st.apart.Load()-apart)
	}
	if gen() != was+1 {
		t.Errorf("the sync mark's generation went from %d to %d; the sign-off's sync is not marked owed", was, gen())
	}
}

// TestCommitIndexesOnlyWhatChanged: the opening indexes the release by
// its head and branch; an event that changes neither writes no index
// entry; a push writes its new head alone; after IndexRefresh both are
// written again, keeping their expiry off.
func TestCommitIndexesOnlyWhatChanged(t *testing.T) {
	r := newCommitRig(t)
	ctx := context.Background()
	if got, _ := r.st.ByCommit(ctx, owner+"/"+repo, headA); len(got) != 1 || got[0] != key.String() {
		t.Fatalf("the opening did not index the head: %v", got)
	}
	before := r.indexWrites()
	r.handle("issue_comment", r.comment(501, "rita", "/approve qa"))
	if n := r.indexWrites(); n != before {
		t.Errorf("a sign-off wrote %d index entries, want none (nothing it is indexed by changed)", n-before)
	}

	r.clk.advance(tracker.IndexRefresh / 2)
	r.gh.PRs[prNum] = release.PRInfo{Title: "Release 1.0", Author: "Codertocat", HeadRef: "release/1.0", BaseRef: "main", HeadSHA: headB, State: "open"}
	before = r.indexWrites()
	r.handle("pull_request", payload(t, "pull_request/synchronize.json", map[string]any{
		"number": prNum, "pull_request.number": prNum, "pull_request.head.ref": "release/1.0", "pull_request.head.sha": headB,
		"after": headB, "pull_request.base.ref": "main", "pull_request.title": "Release 1.0",
	}))
	if n := r.indexWrites(); n-before != 1 {
		t.Errorf("a push wrote %d index entries, want 1 (the new head)", n-before)
	}
	if got, _ := r.st.ByCommit(ctx, owner+"/"+repo, headB); len(got) != 1 || got[0] != key.String() {
		t.Errorf("the new head indexes %v, want the release", got)
	}

	// The push's entry does not put off the refresh of the others.
	r.clk.advance(tracker.IndexRefresh / 2)
	before = r.indexWrites()
	r.handle("issue_comment", r.comment(502, "sam", "/approve sec"))
	if n := r.indexWrites(); n-before != 2 {
		t.Errorf("past IndexRefresh a sign-off wrote %d index entries, want 2 (head, branch)", n-before)
	}
}

// TestCommitOpenIndexAlwaysWritten: every commit writes the release's
// place in the open index (the sweep and the reconcile walk it, and no
// fallback finds a release it lost): one dropped from it (a write that
// failed on another cluster node) is back with the next event, and a
// release that finishes leaves it.
func TestCommitOpenIndexAlwaysWritten(t *testing.T) {
	r := newCommitRig(t)
	ctx := context.Background()
	r.st.Do(func(s *trackertest.Store) { delete(s.Open, key.String()) })
	r.handle("issue_comment", r.comment(501, "rita", "/approve qa"))
	if open, _ := r.st.Releases(ctx); len(open) != 1 || open[0] != key.String() {
		t.Errorf("open after an event: %v, want the release back", open)
	}
	r.handle("pull_request", payload(t, "pull_request/closed.json", map[string]any{
		"number": prNum, "pull_request.number": prNum, "pull_request.head.ref": "release/1.0", "pull_request.head.sha": headA,
		"pull_request.base.ref": "main", "pull_request.merged": false, "pull_request.merged_at": nil,
	}))
	if !r.state().Finished() {
		t.Fatal("the closed release is not finished")
	}
	if open, _ := r.st.Releases(ctx); len(open) != 0 {
		t.Errorf("open after the close: %v, want none", open)
	}
}
