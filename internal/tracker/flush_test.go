package tracker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ag06mixer/golive/internal/metrics"
	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
	"github.com/ag06mixer/golive/internal/tracker"
	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

// heldCreates is the fake GitHub whose issue creates hang until the test
// lets them go, counting how many are in at once.
type heldCreates struct {
	*trackertest.GitHub
	let chan struct{}

	mu      sync.Mutex
	in, top int
}

func (h *heldCreates) Installation(int64) (tracker.GitHub, error) { return h, nil }

func (h *heldCreates) CreateIssue(ctx context.Context, owner, repo, title, body string) (int, error) {
	h.mu.Lock()
	h.in++
	h.top = max(h.top, h.in)
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.in--
		h.mu.Unlock()
	}()
	select {
	case <-h.let:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	return h.GitHub.CreateIssue(ctx, owner, repo, title, body)
}

func (h *heldCreates) inside() (in, top int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.in, h.top
}

// flushRig is five releases (PRs 2 to 6) opened on a tracker that
// coalesces for a minute and runs flushSyncs syncs at once, their first
// syncs due and, with hold, their issue creates held.
func flushRig(t *testing.T, flushSyncs int, hold bool) (*rig, *heldCreates) {
	r := newRig(t)
	held := &heldCreates{GitHub: r.gh, let: make(chan struct{})}
	if !hold {
		close(held.let)
	}
	now := t0.Add(time.Hour)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	r.tr = tracker.New(tracker.Options{States: r.st, Locks: r.st, Index: r.st, Marks: r.st, Cache: r.st, Queue: r.st, GitHub: held,
		HTTPStatus: trackertest.Status, OrderWindow: -1, Coalesce: time.Minute, MaxCoalesce: 5 * time.Minute, FlushSyncs: flushSyncs, Clock: clock})
	t.Cleanup(func() {
		select {
		case <-held.let:
		default:
			close(held.let)
		}
	})
	for pr := 2; pr <= 6; pr++ {
		ref := fmt.Sprintf("release/1.%d", pr)
		r.gh.PRs[pr] = release.PRInfo{Title: "Release " + ref, Author: "Codertocat", HeadRef: ref, BaseRef: "main", HeadSHA: headA, State: "open"}
		r.handle("pull_request", payload(t, "pull_request/opened.json", map[string]any{
			"number": pr, "pull_request.number": pr, "pull_request.head.ref": ref, "pull_request.head.sha": headA,
			"pull_request.base.ref": "main", "pull_request.title": "Release " + ref, "pull_request.created_at": t0.Format(time.RFC3339),
		}))
	}
	mu.Lock()
	now = now.Add(2 * time.Minute) // every opening's quiet window passed
	mu.Unlock()
	return r, held
}

// waitInside waits until want creates are held at once; the bound only
// keeps a broken build from hanging.
func waitInside(t *testing.T, h *heldCreates, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if in, _ := h.inside(); in == want {
			return
		}
		if time.Now().After(deadline) {
			in, top := h.inside()
			t.Fatalf("%d issue creates at once (at most %d), want %d", in, top, want)
		}
		time.Sleep(time.Millisecond)
	}
}

// A thousand releases opened together waited one by one for their first
// write: the flusher ran one sync at a time. It runs FlushSyncs at once,
// and never more.
func TestFlushRunsSyncsSideBySide(t *testing.T) {
	r, held := flushRig(t, 3, true)
	done := make(chan int, 1)
	go func() {
		n, err := r.tr.Flush(context.Background())
		if err != nil {
			t.Errorf("flush: %v", err)
		}
		done <- n
	}()
	waitInside(t, held, 3)
	// A fourth would be in by now if nothing bounded them: the other two
	// wait for nothing but a slot.
	time.Sleep(50 * time.Millisecond)
	if in, top := held.inside(); in != 3 || top != 3 {
		t.Fatalf("%d creates held, at most %d: the flusher runs 3 at once", in, top)
	}
	close(held.let)
	if n := waitFor(t, done, "the flush"); n != 5 {
		t.Fatalf("flush synced %d releases, want 5", n)
	}
	if _, top := held.inside(); top != 3 {
		t.Fatalf("at most %d creates at once, want 3", top)
	}
	if due, _ := r.st.DueDirty(context.Background(), t0.Add(24*time.Hour), 10); len(due) != 0 {
		t.Fatalf("marks left after the flush: %v", due)
	}
}

// FlushWith bounds it further; one is one at a time.
func TestFlushWithOneIsSerial(t *testing.T) {
	r, held := flushRig(t, 3, true)
	done := make(chan int, 1)
	go func() {
		n, _ := r.tr.FlushWith(context.Background(), 1)
		done <- n
	}()
	waitInside(t, held, 1)
	time.Sleep(50 * time.Millisecond)
	if in, top := held.inside(); in != 1 || top != 1 {
		t.Fatalf("%d creates held, at most %d: FlushWith(1) runs one at a time", in, top)
	}
	close(held.let)
	if n := waitFor(t, done, "the flush"); n != 5 {
		t.Fatalf("flush synced %d releases, want 5", n)
	}
}

// The cap of a release not written yet counts from its event's arrival:
// an opening that waited in the queue waits that much less for its first
// write. Behind a deeper backlog than half the cap, it counts from half a
// cap ago, so the release still coalesces. A release written counts from
// the apply.
func TestCapCountsFromArrival(t *testing.T) {
	r, _ := flushRig(t, 1, false)
	now := t0.Add(time.Hour + 2*time.Minute)
	first := func(pr int) (time.Time, time.Duration) {
		var m trackertest.Mark
		r.st.Do(func(s *trackertest.Store) { m = s.Dirty[release.Key{Owner: owner, Repo: repo, PR: pr}.String()] })
		return m.First, m.MaxWait
	}
	// The openings were received at t0, an hour before: older than half
	// a cap, so their marks count from half a cap before the apply.
	at, maxWait := first(2)
	if want := t0.Add(time.Hour).Add(-maxWait / 2); !at.Equal(want) {
		t.Fatalf("an opening received an hour ago is first marked at %v, want half its cap (%v) before the apply, %v", at, maxWait, want)
	}
	if maxWait < 3*time.Minute || maxWait > 5*time.Minute {
		t.Fatalf("cap %v: not the 5-minute cap less its jitter", maxWait)
	}
	// A push received 30 s before it is applied, on a release whose mark
	// is gone (a sync cleared it), is first marked at its arrival.
	r.st.Do(func(s *trackertest.Store) { delete(s.Dirty, key.String()) })
	received := now.Add(-30 * time.Second)
	push := payload(t, "pull_request/synchronize.json", map[string]any{
		"number": prNum, "pull_request.number": prNum, "pull_request.head.ref": "release/1.2", "pull_request.head.sha": headB,
		"pull_request.base.ref": "main", "pull_request.title": "Release release/1.2", "pull_request.created_at": t0.Format(time.RFC3339),
		"pull_request.updated_at": received.Format(time.RFC3339), "before": headA, "after": headB,
	})
	if out, err := r.tr.Handle(context.Background(), queue.Delivery{ID: "late", Event: "pull_request", Payload: push, Attempt: 1, Received: received}); err != nil || out != "applied" {
		t.Fatalf("the push: %s, %v", out, err)
	}
	if at, _ := first(prNum); !at.Equal(received) {
		t.Fatalf("a push received 30 s before its apply is first marked at %v, want its arrival %v", at, received)
	}
	// Written since (the flush creates the issues of the four others), a
	// release counts from the apply: a backlog does not multiply its
	// updates.
	if n, err := r.tr.Flush(context.Background()); err != nil || n != 4 {
		t.Fatalf("flush synced %d (%v), want the four releases not pushed to", n, err)
	}
	pr3 := release.Key{Owner: owner, Repo: repo, PR: 3}
	if s, err := r.tr.Snapshot(context.Background(), pr3); err != nil || s == nil || s.Issue == 0 {
		t.Fatalf("no tracking issue of PR 3 after the flush: %v", err)
	}
	again := payload(t, "pull_request/synchronize.json", map[string]any{
		"number": 3, "pull_request.number": 3, "pull_request.head.ref": "release/1.3", "pull_request.head.sha": headB,
		"pull_request.base.ref": "main", "pull_request.title": "Release release/1.3", "pull_request.created_at": t0.Format(time.RFC3339),
		"pull_request.updated_at": received.Format(time.RFC3339), "before": headA, "after": headB,
	})
	if out, err := r.tr.Handle(context.Background(), queue.Delivery{ID: "late-3", Event: "pull_request", Payload: again, Attempt: 1, Received: received}); err != nil || out != "applied" {
		t.Fatalf("the push on PR 3: %s, %v", out, err)
	}
	if at, _ := first(3); !at.Equal(now) {
		t.Fatalf("a push on a written release is first marked at %v, want its apply %v", at, now)
	}
}

// An opening reads the PR's comments once per look for the issue, and
// the sync takes golive's comment from that read: no third read of the
// same page (issue #18).
func TestOpeningReadsPRCommentsForTheIssueOnly(t *testing.T) {
	t.Run("synced at once", func(t *testing.T) {
		r := newRig(t)
		r.open()
		if f, c := r.calls("FindIssuePointed"), r.calls("FindComment"); f != 1 || c != 0 {
			t.Fatalf("%d looks for the issue and %d for the comment, want 1 and 0", f, c)
		}
		if n := r.calls("CreateComment"); n != 1 {
			t.Fatalf("%d PR comments created, want 1", n)
		}
	})
	t.Run("coalesced", func(t *testing.T) {
		r, _ := newCoalescingRig(t)
		// The opening looks, and so does the sync under its own lock.
		if f, c := r.calls("FindIssuePointed"), r.calls("FindComment"); f != 2 || c != 0 {
			t.Fatalf("%d looks for the issue and %d for the comment, want 2 and 0", f, c)
		}
		if n := r.calls("CreateComment"); n != 1 {
			t.Fatalf("%d PR comments created, want 1", n)
		}
	})
	t.Run("golive's comment found on the way is edited, not doubled", func(t *testing.T) {
		r := newRig(t)
		// golive's comment from before the pointer, its record lost.
		r.gh.Do(func(g *trackertest.GitHub) {
			g.Comments[77] = &trackertest.Comment{Issue: prNum, Body: "an old golive comment " + render.CommentMarker(key)}
		})
		r.open()
		if n := r.calls("CreateComment"); n != 0 {
			t.Fatalf("%d PR comments created beside golive's own", n)
		}
		if got := r.state().CommentID; got != 77 {
			t.Fatalf("the release's comment is %d, want golive's 77", got)
		}
		if c := r.calls("FindComment"); c != 0 {
			t.Fatalf("%d looks for the comment after the look for the issue read it", c)
		}
	})
	t.Run("a look that read only some comments settles nothing", func(t *testing.T) {
		r := newRig(t)
		r.gh.Do(func(g *trackertest.GitHub) {
			g.CommentsUnread = true
			g.Comments[77] = &trackertest.Comment{Issue: prNum, Body: "an old golive comment " + render.CommentMarker(key)}
		})
		r.open()
		if c, n := r.calls("FindComment"), r.calls("CreateComment"); c != 1 || n != 0 {
			t.Fatalf("%d looks for the comment and %d created, want 1 and none", c, n)
		}
		if got := r.state().CommentID; got != 77 {
			t.Fatalf("the release's comment is %d, want golive's 77", got)
		}
	})
}

// A flush cut short by its end starts no more syncs, waits for those it
// started, and leaves their marks with no backoff: the next flush syncs
// them all at once.
func TestFlushStopsWithItsContext(t *testing.T) {
	r, held := flushRig(t, 3, true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		n, _ := r.tr.Flush(ctx)
		done <- n
	}()
	waitInside(t, held, 3)
	cancel()
	if n := waitFor(t, done, "the cancelled flush"); n != 0 {
		t.Fatalf("a cancelled flush synced %d", n)
	}
	if in, _ := held.inside(); in != 0 {
		t.Fatalf("%d creates still in after the flush returned", in)
	}
	close(held.let)
	n, err := r.tr.Flush(context.Background())
	if err != nil || n != 5 {
		t.Fatalf("the next flush synced %d (%v), want all 5: a cancelled sync owes no backoff", n, err)
	}
}

// The sync's own look for the issue finds golive's comment on the way,
// after a Redis restored from a backup taken before the first sync: the
// sync takes it, and posts no second one. Both looks: through golive's
// comment, and by the list after a create begun (issue_creating).
func TestFlushTakesTheCommentItsLookFound(t *testing.T) {
	for _, creating := range []bool{false, true} {
		t.Run(fmt.Sprintf("issue_creating %v", creating), func(t *testing.T) {
			r, now := newCoalescingRig(t)
			was := r.state()
			if was.Issue == 0 || was.CommentID == 0 {
				t.Fatalf("the opening wrote issue %d and comment %d", was.Issue, was.CommentID)
			}
			r.st.Do(func(s *trackertest.Store) {
				var rec map[string]any
				if err := json.Unmarshal(s.States[key.String()], &rec); err != nil {
					t.Fatal(err)
				}
				st := rec["state"].(map[string]any)
				delete(st, "issue")
				delete(st, "comment_id")
				if creating {
					st["issue_creating"] = true
				}
				s.States[key.String()], _ = json.Marshal(rec)
			})
			if _, _, err := r.st.MarkDirty(context.Background(), key.String(), *now, 0, 0, time.Time{}); err != nil {
				t.Fatal(err)
			}
			if n, err := r.tr.Flush(context.Background()); err != nil || n != 1 {
				t.Fatalf("flush synced %d: %v", n, err)
			}
			if c, i := r.calls("CreateComment"), r.calls("CreateIssue"); c != 1 || i != 1 {
				t.Fatalf("%d comments and %d issues created in all, want the opening's one each", c, i)
			}
			if got := r.state(); got.Issue != was.Issue || got.CommentID != was.CommentID {
				t.Fatalf("the release has issue %d and comment %d, want %d and %d", got.Issue, got.CommentID, was.Issue, was.CommentID)
			}
			if c := r.calls("FindComment"); c != 0 {
				t.Fatalf("%d looks for the comment after the look for the issue read it", c)
			}
		})
	}
}

// panickyRelease is a store whose lock release panics for one release:
// a panic in the flusher's own code, outside the sync the lock's recover
// covers.
type panickyRelease struct {
	*trackertest.Store
	release string
}

func (p panickyRelease) Release(ctx context.Context, rel, token string) error {
	if rel == p.release {
		panic("the lock's release broke")
	}
	return p.Store.Release(ctx, rel, token)
}

// A panic in a flush's sync, outside what the lock's recover covers,
// is counted and logged; the process and the other syncs go on.
func TestFlushRecoversAPanicOutsideTheSync(t *testing.T) {
	r, held := flushRig(t, 3, false)
	m := metrics.New()
	broken := release.Key{Owner: owner, Repo: repo, PR: 4}.String()
	tr := tracker.New(tracker.Options{States: r.st, Locks: panickyRelease{r.st, broken}, Index: r.st, Marks: r.st, Cache: r.st, Queue: r.st,
		GitHub: held, HTTPStatus: trackertest.Status, OrderWindow: -1, Coalesce: time.Minute, MaxCoalesce: 5 * time.Minute, Metrics: m,
		Clock: func() time.Time { return t0.Add(time.Hour + 2*time.Minute) }})
	n, err := tr.Flush(context.Background())
	if err != nil || n != 4 {
		t.Fatalf("flush synced %d (%v), want the 4 others", n, err)
	}
	if p := testutil.ToFloat64(m.Panics.WithLabelValues("sync")); p != 1 {
		t.Fatalf("%v sync panics counted, want 1", p)
	}
}
