package tracker_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/tracker"
	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

// TestFlushReadsPastReleasesInBackoff: releases whose syncs keep failing
// stay due, earliest first, while they wait out their backoff; a flush
// still reaches the release due after them. It took the 32 earliest and
// skipped those in backoff, so 32 failing releases (an installation that
// lost a permission, a GitHub outage of one repository) held every other
// release's sync back.
func TestFlushReadsPastReleasesInBackoff(t *testing.T) {
	r := newRig(t)
	r.open() // synced at once: no mark left
	ctx := context.Background()
	now := t0.Add(time.Hour) // the rig's clock
	for i := range 40 {
		rel := fmt.Sprintf("%s/%s#%d", owner, repo, 100+i)
		r.st.MarkDirty(ctx, rel, now.Add(-time.Minute+time.Duration(i)*time.Millisecond), 0, 0, time.Time{})
		r.tr.BackOff(rel)
	}
	r.st.MarkDirty(ctx, key.String(), now.Add(-time.Second), 0, 0, time.Time{})
	n, err := r.tr.Flush(ctx)
	if err != nil || n != 1 {
		t.Fatalf("flush synced %d (%v), want the release due behind the 40 in backoff", n, err)
	}
	if due, _ := r.st.DueDirty(ctx, now, 100); len(due) != 40 {
		t.Fatalf("%d releases still due, want the 40 in backoff", len(due))
	}
}

// TestFlushSyncsABatchAtMost: reading past the releases in backoff, a
// flush still syncs no more than its batch (32) at once.
func TestFlushSyncsABatchAtMost(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	now := t0.Add(time.Hour)
	for i := range 4 {
		rel := fmt.Sprintf("%s/%s#%d", owner, repo, 100+i)
		r.st.MarkDirty(ctx, rel, now.Add(-time.Second), 0, 0, time.Time{})
		r.tr.BackOff(rel)
	}
	for i := range 40 { // due first; no records: each sync finds nothing to write
		r.st.MarkDirty(ctx, fmt.Sprintf("%s/%s#%d", owner, repo, 200+i), now.Add(-time.Minute), 0, 0, time.Time{})
	}
	if n, err := r.tr.Flush(ctx); err != nil || n != 32 {
		t.Fatalf("flush synced %d (%v), want its batch of 32", n, err)
	}
}

// dueAsked records how many due marks each flush asked for.
type dueAsked struct {
	*trackertest.Store
	n []int
}

func (d *dueAsked) DueDirty(ctx context.Context, now time.Time, n int) ([]queue.Dirty, error) {
	d.n = append(d.n, n)
	return d.Store.DueDirty(ctx, now, n)
}

// TestFlushForgetsBackoffsLongOver: a release whose backoff ended long
// ago (its mark cleared by another replica, say) is forgotten, so the
// flusher no longer reads a mark past its batch for it.
func TestFlushForgetsBackoffsLongOver(t *testing.T) {
	r := newRig(t)
	clk := newTestClock(t0.Add(time.Hour))
	marks := &dueAsked{Store: r.st}
	r.tr = tracker.New(tracker.Options{States: r.st, Locks: r.st, Index: r.st, Marks: marks, Cache: r.st, Queue: r.st, GitHub: r.gh,
		HTTPStatus: trackertest.Status, OrderWindow: -1, Clock: clk.Now, Monotonic: clk.Now})
	ctx := context.Background()
	for i := range 5 {
		r.tr.BackOff(fmt.Sprintf("%s/%s#%d", owner, repo, 100+i)) // a minute each, the longest
	}
	r.tr.Flush(ctx)
	clk.advance(2 * time.Minute) // over a minute ago
	r.tr.Flush(ctx)
	clk.advance(3 * time.Minute) // over long since
	r.tr.Flush(ctx)
	if want := []int{37, 37, 32}; !slices.Equal(marks.n, want) {
		t.Fatalf("flushes asked for %v due marks, want %v", marks.n, want)
	}
}
