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

// TestSweepSkipsQueuedRefresh: a sweep queues no second refresh of a
// release while the last sweep's is still queued (a backlog would only
// grow); once that one is taken, the next sweep queues again.
func TestSweepSkipsQueuedRefresh(t *testing.T) {
	r := newRig(t)
	now := t0.Add(time.Hour)
	r.tr = tracker.New(tracker.Options{States: r.st, Locks: r.st, Index: r.st, Marks: r.st, Cache: r.st, Queue: r.st, GitHub: r.gh,
		HTTPStatus: trackertest.Status, OrderWindow: -1, Reconcile: 10 * time.Minute, Clock: func() time.Time { return now }})
	r.open()
	ctx := context.Background()
	sweeps := func() []queue.Delivery {
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
	for range 3 { // three periods, the first refresh never taken
		if err := r.tr.SweepRedis(ctx); err != nil {
			t.Fatal(err)
		}
		now = now.Add(11 * time.Minute)
	}
	got := sweeps()
	if len(got) != 1 {
		t.Fatalf("%d sweep refreshes queued for one release, want 1 while it waits", len(got))
	}
	if _, err := r.tr.Handle(ctx, got[0]); err != nil {
		t.Fatal(err)
	}
	if err := r.tr.SweepRedis(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(sweeps()); n != 2 {
		t.Fatalf("%d sweep refreshes after the first was taken, want 2", n)
	}
}
