package tracker_test

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ag06mixer/golive/internal/metrics"
	"github.com/ag06mixer/golive/internal/tracker"
	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

// TestOwedPostDroppedAfterPatience: a reaction GitHub keeps failing (a
// 403 from a permission the App lacks) is tried while it is owed less
// than an hour, then dropped and counted: owed for good, it would make
// each later event of the release sync at once, and the flusher try it
// every minute for ever.
func TestOwedPostDroppedAfterPatience(t *testing.T) {
	for _, tc := range []struct {
		name, user, failing string
	}{
		{"a reaction", "rita", "AddReaction"},
		{"a refusal's reply", "victor", "CreateComment"}, // its -1 goes out, the reply fails
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			clk := newTestClock(t0.Add(time.Hour))
			m := metrics.New()
			r.tr = tracker.New(tracker.Options{States: r.st, Locks: r.st, Index: r.st, Marks: r.st, Cache: r.st, Queue: r.st, GitHub: r.gh,
				HTTPStatus: trackertest.Status, OrderWindow: -1, Metrics: m, Clock: clk.Now, Monotonic: clk.Now})
			r.gh.ConfigRepo = []byte(qaConfig)
			r.open()
			if tc.user == "victor" {
				r.handle("issue_comment", r.comment(899, "rita", "/approve qa")) // victor is refused: the role is taken
			}
			r.gh.Do(func(g *trackertest.GitHub) { g.Errors[tc.failing] = trackertest.StatusError{Code: 403} })
			r.handle("issue_comment", r.comment(900, tc.user, "/approve qa"))
			object := map[string]string{"AddReaction": "reaction", "CreateComment": "reply"}[tc.failing]
			refused := func() float64 { return testutil.ToFloat64(m.Refused.WithLabelValues(object, "403")) }
			ctx := context.Background()
			clk.advance(59 * time.Minute)
			r.tr.Flush(ctx)
			if n := len(r.outbox(key.String())); n != 1 || refused() != 0 {
				t.Fatalf("within the hour: %d owed, %v dropped; want it still owed", n, refused())
			}
			clk.advance(2 * time.Minute)
			r.st.MarkDirty(ctx, key.String(), clk.Now(), 0, 0, time.Time{}) // the next event's, say
			r.tr.Flush(ctx)
			if n := len(r.outbox(key.String())); n != 0 || refused() != 1 {
				t.Fatalf("past the hour: %d owed, %v dropped; want it dropped and counted", n, refused())
			}
			var calls int
			r.gh.Do(func(g *trackertest.GitHub) { calls = g.Calls[tc.failing] })
			if calls < 2 {
				t.Fatalf("%d tries; want it tried again within the hour", calls)
			}
		})
	}
}
