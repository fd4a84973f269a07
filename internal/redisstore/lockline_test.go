package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/redisstore"
)

var lineT0 = time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)

// TestLockLineInGitHubOrder: waiters who joined in any order get the lock
// in GitHub order (time, then comment id), not in the order they ask.
func TestLockLineInGitHubOrder(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	places := map[string]queue.Place{
		"c": {At: lineT0.Add(2 * time.Second)},
		"b": {At: lineT0, Seq: 7},
		"y": {At: lineT0, Seq: 5}, // first by id, last by name
	}
	for _, tok := range []string{"c", "b", "y"} { // they join newest first
		if err := acquire(ctx, s, "o/r#1", tok, time.Minute, places[tok], false); !errors.Is(err, redisstore.ErrLockHeld) {
			t.Fatalf("%s joined and got %v, want ErrLockHeld", tok, err)
		}
	}
	var got []string
	for len(got) < 3 {
		took := ""
		for _, tok := range []string{"c", "b", "y"} { // and ask newest first
			if contains(got, tok) {
				continue
			}
			err := acquire(ctx, s, "o/r#1", tok, time.Minute, places[tok], true)
			if err == nil {
				took = tok
				break
			}
			if !errors.Is(err, redisstore.ErrLockHeld) {
				t.Fatal(err)
			}
		}
		if took == "" {
			t.Fatalf("nobody took the free lock after %v", got)
		}
		got = append(got, took)
		if err := s.Release(ctx, "o/r#1", took); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(got) != "[y b c]" {
		t.Errorf("lock order %v, want [y b c]", got)
	}
}

// acquire asks for the lock as AcquireState does, its record not looked at.
func acquire(ctx context.Context, s *redisstore.Store, release, token string, ttl time.Duration, p queue.Place, take bool) error {
	_, err := s.AcquireState(ctx, release, token, ttl, p, take)
	return err
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestLockLineHeadWaitsForHolder: the first in line is told so while the
// lock is held, and takes it once released; the holder's place does not
// matter.
func TestLockLineHeadWaitsForHolder(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if err := acquire(ctx, s, "o/r#1", "holder", time.Minute, queue.Place{At: lineT0.Add(time.Hour)}, true); err != nil {
		t.Fatal(err)
	}
	if err := acquire(ctx, s, "o/r#1", "next", time.Minute, queue.Place{At: lineT0}, true); !errors.Is(err, queue.ErrLockQueued) {
		t.Fatalf("got %v, want ErrLockQueued", err)
	}
	if err := s.Release(ctx, "o/r#1", "holder"); err != nil {
		t.Fatal(err)
	}
	if err := acquire(ctx, s, "o/r#1", "next", time.Minute, queue.Place{At: lineT0}, true); err != nil {
		t.Fatalf("after release: %v", err)
	}
}

// TestLockLineForgetsTheGone: a waiter that leaves, or stops asking for
// longer than the heartbeat, no longer blocks the line.
func TestLockLineForgetsTheGone(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	now := time.Now()
	redisstore.SetClock(s, func() time.Time { return now })
	early, late := queue.Place{At: lineT0}, queue.Place{At: lineT0.Add(time.Second)}
	acquire(ctx, s, "o/r#1", "left", time.Minute, early, false)
	if err := acquire(ctx, s, "o/r#1", "me", time.Minute, late, true); !errors.Is(err, redisstore.ErrLockHeld) {
		t.Fatalf("got %v behind an earlier waiter", err)
	}
	if err := s.Leave(ctx, "o/r#1", "left", early); err != nil {
		t.Fatal(err)
	}
	if err := acquire(ctx, s, "o/r#1", "me", time.Minute, late, true); err != nil {
		t.Fatalf("after the earlier waiter left: %v", err)
	}
	s.Release(ctx, "o/r#1", "me")

	acquire(ctx, s, "o/r#1", "died", time.Minute, early, false)
	now = now.Add(2 * time.Second)
	if err := acquire(ctx, s, "o/r#1", "me", time.Minute, late, true); !errors.Is(err, redisstore.ErrLockHeld) {
		t.Fatalf("got %v while the earlier waiter's heartbeat lives", err)
	}
	now = now.Add(2 * time.Second) // 4 s since it last asked: gone
	if err := acquire(ctx, s, "o/r#1", "me", time.Minute, late, true); err != nil {
		t.Fatalf("a dead waiter still blocks the line: %v", err)
	}
}

// TestLockLineExcludes: many waiters at many places never overlap, and
// every one gets its turn.
func TestLockLineExcludes(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	var inside, overlaps, done atomic.Int32
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				tok := fmt.Sprintf("w%d-%d", w, i)
				p := queue.Place{At: lineT0.Add(time.Duration((w*7+i*3)%5) * time.Second), Seq: int64(w)}
				deadline := time.Now().Add(10 * time.Second)
				for {
					err := acquire(ctx, s, "o/r#1", tok, 5*time.Second, p, true)
					if err == nil {
						break
					}
					if !errors.Is(err, redisstore.ErrLockHeld) || time.Now().After(deadline) {
						t.Error(err)
						return
					}
					time.Sleep(time.Millisecond)
				}
				if inside.Add(1) > 1 {
					overlaps.Add(1)
				}
				time.Sleep(time.Millisecond)
				inside.Add(-1)
				if err := s.Release(ctx, "o/r#1", tok); err != nil {
					t.Error(err)
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	if overlaps.Load() != 0 || done.Load() != 30 {
		t.Errorf("got %d overlaps and %d turns, want 0 and 30", overlaps.Load(), done.Load())
	}
}

// TestLockLineZeroPlaceLeads: a wish at the zero place (the tracker's cap
// sync, which applies no event) is first in line, ahead of events
// waiting since before it asked, and takes the lock as it is released.
func TestLockLineZeroPlaceLeads(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if err := acquire(ctx, s, "o/r#1", "holder", time.Minute, queue.Place{At: lineT0}, true); err != nil {
		t.Fatal(err)
	}
	if err := acquire(ctx, s, "o/r#1", "event", time.Minute, queue.Place{At: lineT0.Add(time.Second)}, true); !errors.Is(err, queue.ErrLockQueued) {
		t.Fatalf("the waiting event got %v, want ErrLockQueued", err)
	}
	if err := acquire(ctx, s, "o/r#1", "capsync", time.Minute, queue.Place{}, true); !errors.Is(err, queue.ErrLockQueued) {
		t.Fatalf("the cap sync got %v, want ErrLockQueued: first in line", err)
	}
	if err := s.Release(ctx, "o/r#1", "holder"); err != nil {
		t.Fatal(err)
	}
	if err := acquire(ctx, s, "o/r#1", "event", time.Minute, queue.Place{At: lineT0.Add(time.Second)}, true); !errors.Is(err, redisstore.ErrLockHeld) || errors.Is(err, queue.ErrLockQueued) {
		t.Fatalf("the event got %v, want ErrLockHeld behind the cap sync", err)
	}
	if err := acquire(ctx, s, "o/r#1", "capsync", time.Minute, queue.Place{}, true); err != nil {
		t.Fatalf("the cap sync after the release: %v", err)
	}
}
