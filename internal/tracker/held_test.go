package tracker_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/tracker"
	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

// checkOn is GitHub's check_run payload for a CI result on pr's head.
func checkOn(t *testing.T, pr int, head string, at time.Time) []byte {
	return payload(t, "check_run/completed.json", map[string]any{
		"check_run.head_sha": head, "check_run.completed_at": at.Format(time.RFC3339),
		"check_run.pull_requests": []any{map[string]any{"number": pr, "head": map[string]any{"sha": head, "ref": "release"}, "base": map[string]any{"ref": "main"}}},
		"installation":            map[string]any{"id": 1},
	})
}

// lockCalls are the store's unlocks sent with a commit and Releases.
func lockCalls(st *trackertest.Store) (withCommit, apart int) {
	st.Do(func(s *trackertest.Store) { withCommit, apart = s.CommitUnlocks, s.ReleaseCalls })
	return withCommit, apart
}

// TestEventLockGoesWithItsCommit: an event that leaves nothing to do
// under the lock after its commit (a CI result, its sync coalesced)
// releases the lock in the commit's round trip, with no Release of its
// own (issue #18: one round trip fewer per event); the lock is free after.
func TestEventLockGoesWithItsCommit(t *testing.T) {
	r := newCommitRig(t).rig
	with, apart := lockCalls(r.st)
	commits := 0
	r.st.Do(func(s *trackertest.Store) { commits = s.CommitCalls })
	r.handle("check_run", checkOn(t, prNum, headA, t0.Add(time.Minute)))
	w, a := lockCalls(r.st)
	r.st.Do(func(s *trackertest.Store) { commits = s.CommitCalls - commits })
	if commits != 1 || w != with+1 || a != apart {
		t.Errorf("a CI result made %d commits, %d unlocks with them and %d Releases; want 1, 1, 0", commits, w-with, a-apart)
	}
	r.st.Do(func(s *trackertest.Store) {
		if h, ok := s.Holders[key.String()]; ok {
			t.Errorf("the lock is still held by %s after the event", h)
		}
	})
}

// TestEventWithAReactionKeepsItsLock: a sign-off's reaction is posted
// after the commit, under the lock, and saved again there: that lock
// is released on its own, after the post.
func TestEventWithAReactionKeepsItsLock(t *testing.T) {
	r := newCommitRig(t).rig
	with, apart := lockCalls(r.st)
	m := r.mark()
	r.handle("issue_comment", r.comment(501, "rita", "/approve qa"))
	if !has(r.writes(m), "AddReaction") {
		t.Fatalf("writes %v, want the sign-off's reaction", r.writes(m))
	}
	if w, a := lockCalls(r.st); w != with || a != apart+1 {
		t.Errorf("the sign-off made %d unlocks with a commit and %d Releases; want 0 and 1 (the reaction is posted under the lock)", w-with, a-apart)
	}
}

// TestCapSyncInlineAfterUnlockedCommit: with the cap pool's one slot
// busy (PR 2's sync held by GitHub), a CI result that finds PR 3's sync
// due at its cap, its lock already gone with its commit, takes the lock
// again first in line and makes the sync before Handle returns, as the
// pool would: a full pool slows the stream down, it drops nothing.
func TestCapSyncInlineAfterUnlockedCommit(t *testing.T) {
	r := newCapRig(t, 1)
	m := r.mark()
	if err := waitFor(t, r.handleAsync("issue_comment", r.commentOn(prNum, 950, "sam", "/approve sec")), "PR 2's event at the cap"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, r.held.entered, "PR 2's cap sync")
	with, _ := lockCalls(r.st)
	asked := 0
	r.st.Do(func(s *trackertest.Store) { asked = len(s.Asked) })
	r.handle("check_run", checkOn(t, 3, headB, r.clk.Now()))
	if w, _ := lockCalls(r.st); w != with+1 {
		t.Fatalf("PR 3's CI result made %d unlocks with its commit, want 1", w-with)
	}
	r.syncedInline(m)
	r.st.Do(func(s *trackertest.Store) {
		lead := 0
		for _, a := range s.Asked[asked:] {
			if a.Release == "Codertocat/Hello-World#3" && a.Place == (tracker.Place{}) {
				lead++
			}
		}
		if lead != 1 {
			t.Errorf("the inline sync asked for PR 3's lock first in line %d times, want 1: %+v", lead, s.Asked[asked:])
		}
	})
}

// TestCapSyncInlineOutlivesTheEventsLock: the event's lock went with its
// commit, so its renewal finds it gone while the inline cap sync runs;
// that is no lost lock, and the sync is not abandoned (a renewal every
// 2 ms, a sync of 40 ms).
func TestCapSyncInlineOutlivesTheEventsLock(t *testing.T) {
	r := newCapRigTuned(t, 1, nil, func(o *tracker.Options) { o.LockTTL = 6 * time.Millisecond })
	s3, err := r.tr.Snapshot(context.Background(), release.Key{Owner: owner, Repo: repo, PR: 3})
	if err != nil || s3 == nil || s3.Issue == 0 {
		t.Fatalf("PR 3's record: %v %v", s3, err)
	}
	r.held.slow, r.held.slowFor = s3.Issue, 40*time.Millisecond
	if err := waitFor(t, r.handleAsync("issue_comment", r.commentOn(prNum, 950, "sam", "/approve sec")), "PR 2's event at the cap"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, r.held.entered, "PR 2's cap sync")
	r.handle("check_run", checkOn(t, 3, headB, r.clk.Now()))
	if r.dirty("Codertocat/Hello-World#3") {
		t.Error("PR 3's mark stays: its inline sync was abandoned when the event's lock, gone with its commit, could not be renewed")
	}
}

// commitRigOn is a commit rig, its release opened, whose tracker then
// works on wrap's store around the rig's own (a minute's coalescing).
func commitRigOn(t *testing.T, wrap func(*trackertest.Store) tracker.Store) *rig {
	r := newCommitRig(t).rig
	st := wrap(r.st)
	r.tr = tracker.New(tracker.Options{States: st, Locks: st, Index: st, Marks: st, Cache: st, Queue: st, GitHub: r.gh,
		HTTPStatus: trackertest.Status, OrderWindow: -1, Coalesce: time.Minute, MaxCoalesce: 5 * time.Minute,
		Clock: func() time.Time { return t0.Add(time.Hour) }})
	return r
}

// stealing is a store whose lock passes to another holder ("thief")
// just before the commits with a token that when picks: the pass's lock
// expired while it worked.
type stealing struct {
	*trackertest.Store
	when func(queue.Commit) bool
}

func (s stealing) Commit(ctx context.Context, c queue.Commit) (queue.Dirty, time.Time, error) {
	if c.Token != "" && s.when(c) {
		s.Do(func(st *trackertest.Store) { st.Holders[c.Release] = "thief" })
	}
	return s.Store.Commit(ctx, c)
}

// stealingOn is a commit rig on a store stealing as when says.
func stealingOn(t *testing.T, when func(queue.Commit) bool) *rig {
	return commitRigOn(t, func(st *trackertest.Store) tracker.Store { return &stealing{st, when} })
}

// TestLockLostAtTheCommitFailsThePass: a commit that finds the pass's
// lock another's saves nothing (the record is the next holder's: written
// over, a revoke the next holder applied would come undone) and fails the
// event, which is retried and applied again on the next holder's record;
// the new holder's lock is left alone.
func TestLockLostAtTheCommitFailsThePass(t *testing.T) {
	r := stealingOn(t, func(queue.Commit) bool { return true })
	var before []byte
	r.st.Do(func(s *trackertest.Store) { before = slices.Clone(s.States[key.String()]) })
	_, err := r.tr.Handle(context.Background(), queue.Delivery{ID: "d-lost", Event: "check_run", Payload: checkOn(t, prNum, headA, t0.Add(time.Minute)), Attempt: 1, Received: t0})
	if !errors.Is(err, queue.ErrLockLost) {
		t.Fatalf("Handle: %v, want ErrLockLost", err)
	}
	r.st.Do(func(s *trackertest.Store) {
		if !bytes.Equal(s.States[key.String()], before) {
			t.Error("the pass that lost its lock saved its record over the next holder's")
		}
	})
	r.st.Do(func(s *trackertest.Store) {
		if s.Holders[key.String()] != "thief" {
			t.Errorf("the lock's holder is %q, want the thief, untouched", s.Holders[key.String()])
		}
	})
}

// TestEventThatSyncsNowKeepsItsLock: an event whose sync is made at once
// (no coalescing here) syncs after its commit, under the lock (what it
// writes to GitHub, if anything, it writes there): that lock is released
// on its own, after the sync.
func TestEventThatSyncsNowKeepsItsLock(t *testing.T) {
	r := newRig(t)
	r.open()
	with, apart := lockCalls(r.st)
	r.handle("check_run", checkOn(t, prNum, headA, t0.Add(time.Minute)))
	if w, a := lockCalls(r.st); w != with || a != apart+1 {
		t.Errorf("the event made %d unlocks with a commit and %d Releases; want 0 and 1 (its sync writes under the lock)", w-with, a-apart)
	}
}

// refusedCommit is a store whose commits that carry an unlock fail as a
// dropped connection does: nothing is known of what Redis did.
type refusedCommit struct{ *trackertest.Store }

func (s refusedCommit) Commit(ctx context.Context, c queue.Commit) (queue.Dirty, time.Time, error) {
	if c.Unlock {
		return queue.Dirty{}, time.Time{}, errors.New("redis: connection reset by peer")
	}
	return s.Store.Commit(ctx, c)
}

// TestFailedCommitReleasesTheLock: a commit that carried the unlock and
// failed leaves the lock's fate unknown: the pass fails and releases the
// lock itself, so the release's next event does not wait for it to
// expire.
func TestFailedCommitReleasesTheLock(t *testing.T) {
	r := commitRigOn(t, func(st *trackertest.Store) tracker.Store { return refusedCommit{st} })
	_, apart := lockCalls(r.st)
	_, err := r.tr.Handle(context.Background(), queue.Delivery{ID: "d-refused", Event: "check_run", Payload: checkOn(t, prNum, headA, t0.Add(time.Minute)), Attempt: 1, Received: t0})
	if err == nil {
		t.Fatal("the pass succeeded though its commit failed")
	}
	if _, a := lockCalls(r.st); a != apart+1 {
		t.Errorf("%d Releases after the failed commit, want 1", a-apart)
	}
	r.st.Do(func(s *trackertest.Store) {
		if h, ok := s.Holders[key.String()]; ok {
			t.Errorf("the lock is still held by %s", h)
		}
	})
}

// TestFencedSaveWithTheLockKept: a save that keeps the lock (a sign-off,
// whose reaction is posted after its commit) is fenced too: the lock
// lost, nothing is saved and the pass fails.
func TestFencedSaveWithTheLockKept(t *testing.T) {
	r := stealingOn(t, func(c queue.Commit) bool { return !c.Unlock })
	var before []byte
	r.st.Do(func(s *trackertest.Store) { before = slices.Clone(s.States[key.String()]) })
	_, err := r.tr.Handle(context.Background(), queue.Delivery{ID: "d-kept", Event: "issue_comment", Payload: r.comment(777, "rita", "/approve qa"), Attempt: 1, Received: t0})
	if !errors.Is(err, queue.ErrLockLost) {
		t.Fatalf("Handle: %v, want ErrLockLost", err)
	}
	r.st.Do(func(s *trackertest.Store) {
		if !bytes.Equal(s.States[key.String()], before) {
			t.Error("the pass that lost its lock saved its record over the next holder's")
		}
	})
}

// TestRefusedSaveRewritesTheCheckRun: a pass whose save was refused may
// have written the check run before (a stale verdict GitHub now shows);
// the next pass on the release writes it again, though the record says
// it is written, and then the release is sure again.
func TestRefusedSaveRewritesTheCheckRun(t *testing.T) {
	var armed atomic.Bool
	r := stealingOn(t, func(queue.Commit) bool { return armed.Swap(false) })
	sync := func() []string {
		t.Helper()
		m := r.mark()
		if err := r.tr.UnderLock(context.Background(), key, func(ctx context.Context) error { return r.tr.Sync(ctx, key) }); err != nil {
			t.Fatal(err)
		}
		return r.writes(m)
	}
	if w := sync(); !has(w, "CreateCheckRun") { // the opening's
		t.Fatalf("writes %v, want the opening's", w)
	}
	armed.Store(true)
	if _, err := r.tr.Handle(context.Background(), queue.Delivery{ID: "d-lost", Event: "check_run", Payload: checkOn(t, prNum, headA, t0.Add(time.Minute)), Attempt: 1, Received: t0}); !errors.Is(err, queue.ErrLockLost) {
		t.Fatalf("Handle: %v, want ErrLockLost", err)
	}
	r.st.Do(func(s *trackertest.Store) { delete(s.Holders, key.String()) }) // the thief is done
	if w := sync(); !has(w, "UpdateCheckRun") {
		t.Errorf("writes %v after a refused save, want the check run written again", w)
	}
	if w := sync(); has(w, "UpdateCheckRun") {
		t.Errorf("writes %v at the sync after, want none: the release is sure again", w)
	}
}

// TestLockLostAtTheOutboxSaveFailsThePass: the lock lost when the
// outbox is saved after its reaction was posted fails the pass as lost,
// not as a post GitHub refused: no sync is marked owed for a post that
// went out.
func TestLockLostAtTheOutboxSaveFailsThePass(t *testing.T) {
	var n atomic.Int64
	r := stealingOn(t, func(queue.Commit) bool { return n.Add(-1) == 0 })
	gen := func() (g int64) {
		r.st.Do(func(s *trackertest.Store) { g = s.Dirty[key.String()].Gen })
		return g
	}
	was := gen()
	n.Store(2) // the sign-off's commit, then the outbox's save after the reaction
	m := r.mark()
	_, err := r.tr.Handle(context.Background(), queue.Delivery{ID: "d-outbox", Event: "issue_comment", Payload: r.comment(778, "rita", "/approve qa"), Attempt: 1, Received: t0})
	if !errors.Is(err, queue.ErrLockLost) {
		t.Fatalf("Handle: %v, want ErrLockLost", err)
	}
	if !has(r.writes(m), "AddReaction") {
		t.Fatalf("writes %v, want the reaction posted before the save", r.writes(m))
	}
	if g := gen(); g != was+1 {
		t.Errorf("the sync mark's generation went from %d to %d, want one mark (the commit's), none for a post that went out", was, g)
	}
}
