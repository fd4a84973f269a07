package tracker_test

import (
	"context"
	"errors"
	"strings"
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
			clk, m := r.clocked()
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

// TestOwedPostPatienceCountsGitHubsRefusals: the hour counts from
// GitHub's first refusal. Errors that are not GitHub's answer (a lost
// lock, golive stopping, GitHub unreachable) and rate limits never drop
// a post, however long it has been owed; after them, one 502 drops
// nothing either.
func TestOwedPostPatienceCountsGitHubsRefusals(t *testing.T) {
	r := newRig(t)
	clk, m := r.clocked()
	r.gh.ConfigRepo = []byte(qaConfig)
	r.open()
	ctx := context.Background()
	fail := func(err error) { r.gh.Do(func(g *trackertest.GitHub) { g.Errors["AddReaction"] = err }) }
	flushAfter := func(d time.Duration) {
		clk.advance(d)
		r.st.MarkDirty(ctx, key.String(), clk.Now(), 0, 0, time.Time{})
		r.tr.Flush(ctx)
	}
	owed := func() int { return len(r.outbox(key.String())) }
	fail(errors.New("dial tcp: connection refused")) // no answer from GitHub
	r.handle("issue_comment", r.comment(900, "rita", "/approve qa"))
	flushAfter(2 * time.Hour)
	fail(trackertest.StatusError{Code: 429})
	flushAfter(time.Minute)
	flushAfter(time.Hour)                    // rate-limited for an hour: not a refusal
	fail(trackertest.StatusError{Code: 502}) // GitHub's first refusal: the hour starts
	flushAfter(time.Minute)
	if owed() != 1 {
		t.Fatal("a post GitHub never answered, or only rate-limited, was dropped at its first refusal")
	}
	flushAfter(58 * time.Minute)
	if owed() != 1 {
		t.Fatal("a post was dropped within the hour of GitHub's first refusal")
	}
	for _, err := range []error{errors.New("context canceled"), trackertest.StatusError{Code: 429}} {
		fail(err)
		flushAfter(2 * time.Minute)
		if owed() != 1 {
			t.Fatalf("past the hour, %v dropped the post: it is not GitHub refusing it", err)
		}
	}
	fail(trackertest.StatusError{Code: 502})
	flushAfter(2 * time.Minute)
	if owed() != 0 || testutil.ToFloat64(m.Refused.WithLabelValues("reaction", "502")) != 1 {
		t.Fatalf("%d owed an hour after GitHub's first refusal; want it dropped and counted", owed())
	}
}

// TestOwedPostNotPostedAgainWhenTheSaveFails: a flush whose record
// cannot be saved posts nothing from the outbox, since the post's
// removal could not be saved either, and every flush would post it
// again; once Redis takes the save, it is posted once.
func TestOwedPostNotPostedAgainWhenTheSaveFails(t *testing.T) {
	r := newRig(t)
	clk, _ := r.clocked()
	r.gh.ConfigRepo = []byte(qaConfig)
	r.open()
	r.handle("issue_comment", r.comment(899, "rita", "/approve qa"))
	r.gh.Do(func(g *trackertest.GitHub) { g.Errors["CreateComment"] = trackertest.StatusError{Code: 502} })
	m := r.mark()
	r.handle("issue_comment", r.comment(900, "victor", "/approve qa")) // refused: a -1 and a reply
	ctx := context.Background()
	r.gh.Do(func(g *trackertest.GitHub) { delete(g.Errors, "CreateComment") })
	r.st.Do(func(s *trackertest.Store) { s.SaveErr = errors.New("redis: connection refused") })
	for range 3 {
		clk.advance(10 * time.Minute) // past the failed sync's backoff
		r.st.MarkDirty(ctx, key.String(), clk.Now(), 0, 0, time.Time{})
		r.tr.Flush(ctx)
	}
	r.st.Do(func(s *trackertest.Store) { s.SaveErr = nil })
	clk.advance(10 * time.Minute)
	r.st.MarkDirty(ctx, key.String(), clk.Now(), 0, 0, time.Time{})
	if _, err := r.tr.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	replies := 0
	for _, w := range r.writes(m) {
		if strings.HasPrefix(w, "CreateComment") {
			replies++
		}
	}
	if replies != 1 || len(r.outbox(key.String())) != 0 {
		t.Fatalf("the reply was posted %d times (%d still owed), want once: writes %v", replies, len(r.outbox(key.String())), r.writes(m))
	}
}

// clocked gives the rig's tracker a clock the test moves (its backoffs
// too) and metrics of its own.
func (r *rig) clocked() (*testClock, *metrics.Metrics) {
	clk, m := newTestClock(t0.Add(time.Hour)), metrics.New()
	r.tr = tracker.New(tracker.Options{States: r.st, Locks: r.st, Index: r.st, Marks: r.st, Cache: r.st, Queue: r.st, GitHub: r.gh,
		HTTPStatus: trackertest.Status, OrderWindow: -1, Metrics: m, Clock: clk.Now, Monotonic: clk.Now})
	return clk, m
}
