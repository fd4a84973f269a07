package tracker_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/tracker"
	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

// newCoalescingRig is newRig with a coalescing window of a minute and a
// clock the test moves, its release opened and synced.
func newCoalescingRig(t *testing.T) (*rig, *time.Time) {
	r := newRig(t)
	r.gh.ConfigRepo = []byte(qaConfig)
	now := t0.Add(time.Hour)
	r.tr = tracker.New(tracker.Options{States: r.st, Locks: r.st, Index: r.st, Marks: r.st, Cache: r.st, Queue: r.st, GitHub: r.gh,
		HTTPStatus: trackertest.Status, OrderWindow: -1, Coalesce: time.Minute, MaxCoalesce: 5 * time.Minute,
		Clock: func() time.Time { return now }})
	r.open()
	now = now.Add(2 * time.Minute)
	if n, err := r.tr.Flush(context.Background()); err != nil || n != 1 {
		t.Fatalf("flush after the opening synced %d: %v", n, err)
	}
	return r, &now
}

// TestSignoffCoalesced: a sign-off, which can only open the gate, is
// acknowledged at once with its reaction, and its writes wait for the
// coalesced sync (issue #18: four sign-offs cost one issue edit and one
// check run update, not four of each). The gate stays closed meanwhile.
func TestSignoffCoalesced(t *testing.T) {
	r, now := newCoalescingRig(t)
	m := r.mark()
	r.handle("issue_comment", r.comment(900, "rita", "/approve qa"))
	if got := r.writes(m); !slices.Equal(got, []string{"AddReaction +1 on 900"}) {
		t.Fatalf("writes = %v, want only the reaction before the quiet window ends", got)
	}
	*now = now.Add(2 * time.Minute)
	if n, err := r.tr.Flush(context.Background()); err != nil || n != 1 {
		t.Fatalf("flush synced %d: %v", n, err)
	}
	if got := r.writes(m); !has(got, "EditIssueBody 101") {
		t.Fatalf("writes = %v, want the coalesced sync to write the sign-off", got)
	}
	// The same sign-off again changes nothing and asks no sync; its
	// reaction still goes out.
	m = r.mark()
	r.handle("issue_comment", r.comment(901, "rita", "/approve qa"))
	if got := r.writes(m); !slices.Equal(got, []string{"AddReaction +1 on 901"}) {
		t.Fatalf("writes = %v, want the repeated sign-off acknowledged", got)
	}
}

// TestHoldWrittenAtOnce: a hold may close the gate, so it is written at
// once whatever the coalescing window, its reaction after.
func TestHoldWrittenAtOnce(t *testing.T) {
	r, _ := newCoalescingRig(t)
	m := r.mark()
	r.handle("issue_comment", r.comment(900, "rita", "/hold waiting for the vendor"))
	got := r.writes(m)
	if !has(got, "UpdateCheckRun 103 failure") || !has(got, "AddReaction +1 on 900") {
		t.Fatalf("writes = %v, want the check run updated at once", got)
	}
	if s := r.state(); s.Hold == nil || s.Status != release.StatusOpen {
		t.Fatalf("state: hold %v", s.Hold)
	}
}

// TestCapJitteredPerRelease: a release's sync is marked with its own cap,
// in the last quarter of MaxCoalesce, not MaxCoalesce itself.
func TestCapJitteredPerRelease(t *testing.T) {
	r, _ := newCoalescingRig(t)
	r.handle("issue_comment", r.comment(900, "rita", "/approve qa"))
	var got time.Duration
	r.st.Do(func(s *trackertest.Store) { got = s.Dirty[key.String()].MaxWait })
	if got >= 5*time.Minute || got < 5*time.Minute*3/4 {
		t.Fatalf("marked with cap %v, want in [3m45s, 5m)", got)
	}
}
