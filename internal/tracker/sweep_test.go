package tracker_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/tracker"
	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

// sweepRig is a rig with one open release, a 10-minute reconcile period
// and a clock the test moves (now).
type sweepRig struct {
	*rig
	clk *testClock
}

func newSweepRig(t *testing.T) *sweepRig {
	r := &sweepRig{rig: newRig(t), clk: newTestClock(t0.Add(time.Hour))}
	r.tr = tracker.New(tracker.Options{States: r.st, Locks: r.st, Index: r.st, Marks: r.st, Cache: r.st, Queue: r.st, GitHub: r.gh,
		HTTPStatus: trackertest.Status, OrderWindow: -1, Reconcile: 10 * time.Minute, Clock: r.clk.Now})
	r.open()
	return r
}

// sweep runs one sweep (as any replica would).
func (r *sweepRig) sweep() {
	r.t.Helper()
	if err := r.tr.SweepRedis(context.Background()); err != nil {
		r.t.Fatal(err)
	}
}

// sweeps are the sweep refreshes queued so far.
func (r *sweepRig) sweeps() []queue.Delivery {
	var out []queue.Delivery
	r.st.Do(func(s *trackertest.Store) {
		for _, d := range s.Enqueued {
			if strings.HasPrefix(d.ID, "sweep-") {
				out = append(out, d)
			}
		}
	})
	return out
}

// take hands a queued sweep refresh to the tracker, as a worker does.
func (r *sweepRig) take(d queue.Delivery) {
	r.t.Helper()
	if _, err := r.tr.Handle(context.Background(), d); err != nil {
		r.t.Fatal(err)
	}
}

// TestSweepSkipsQueuedRefresh: a sweep queues no second refresh of a
// release while the last sweep's is still queued (a backlog would only
// grow); once that one is taken, the next sweep queues again.
func TestSweepSkipsQueuedRefresh(t *testing.T) {
	r := newSweepRig(t)
	for range 3 { // three periods, the first refresh never taken
		r.sweep()
		r.clk.advance(11 * time.Minute)
	}
	got := r.sweeps()
	if len(got) != 1 {
		t.Fatalf("%d sweep refreshes queued for one release, want 1 while it waits", len(got))
	}
	r.take(got[0])
	r.sweep()
	if n := len(r.sweeps()); n != 2 {
		t.Fatalf("%d sweep refreshes after the first was taken, want 2", n)
	}
}

// TestSweepMarkAfterDuplicate: two replicas sweep in one period
// (every replica sweeps; the id collapses repeats). The first queues the
// refresh, a worker takes it (mark "done"), then the second replica's
// sweep, in the same bucket, enqueues the same id, which the queue drops
// as a duplicate. Had it still written the "queued" mark, nothing would
// be queued, yet the next sweeps would skip the release until the mark's
// three periods ran out: the repair sweep of a missed webhook three
// times rarer.
func TestSweepMarkAfterDuplicate(t *testing.T) {
	r := newSweepRig(t)
	r.clk.set(r.clk.Now().Truncate(10 * time.Minute).Add(time.Minute)) // early in a bucket
	r.sweep()                                                          // replica A
	got := r.sweeps()
	if len(got) != 1 {
		t.Fatalf("%d sweep refreshes, want 1", len(got))
	}
	r.take(got[0]) // a worker takes it at once
	r.clk.advance(2 * time.Minute)
	r.sweep() // replica B, same bucket: a duplicate
	r.clk.advance(10 * time.Minute)
	r.sweep() // next period
	if n := len(r.sweeps()); n != 2 {
		t.Fatalf("%d sweep refreshes after the next period, want 2: the duplicate left a \"queued\" mark with nothing queued", n)
	}
}
