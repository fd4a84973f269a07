package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
)

// TestAcquireStateReadsTheRecordWithTheLock: the lock taken, the record
// comes back in the same round trip, both by the free lock's short way and
// by the waiting room's; none is said as none; a lock not taken reads
// nothing.
func TestAcquireStateReadsTheRecordWithTheLock(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if err := s.SaveState(ctx, "o/r#1", []byte(`{"state":1}`), true); err != nil {
		t.Fatal(err)
	}
	got, err := s.AcquireState(ctx, "o/r#1", "a", time.Minute, queue.Place{At: lineT0}, true)
	st, loaded := got.State, got.Loaded
	if err != nil || !loaded || string(st) != `{"state":1}` {
		t.Fatalf("free lock: %q loaded=%v %v, want the record", st, loaded, err)
	}
	got, err = s.AcquireState(ctx, "o/r#1", "b", time.Minute, queue.Place{At: lineT0}, true)
	st, loaded = got.State, got.Loaded
	if !errors.Is(err, queue.ErrLockQueued) || loaded || st != nil {
		t.Fatalf("held lock: %q loaded=%v %v, want ErrLockQueued and nothing read", st, loaded, err)
	}
	if err := s.SaveState(ctx, "o/r#1", []byte(`{"state":2}`), true); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ctx, "o/r#1", "a"); err != nil {
		t.Fatal(err)
	}
	got, err = s.AcquireState(ctx, "o/r#1", "b", time.Minute, queue.Place{At: lineT0}, true)
	st, loaded = got.State, got.Loaded
	if err != nil || !loaded || string(st) != `{"state":2}` {
		t.Fatalf("from the waiting room: %q loaded=%v %v, want the record saved since", st, loaded, err)
	}
	got, err = s.AcquireState(ctx, "o/r#2", "c", time.Minute, queue.Place{At: lineT0}, true)
	st, loaded = got.State, got.Loaded
	if err != nil || !loaded || st != nil {
		t.Fatalf("no record: %q loaded=%v %v, want nil, loaded", st, loaded, err)
	}
}

// TestAcquireStateLeavesAnUnreadableRecordToTheCaller: a state key Redis
// cannot GET (another type) neither fails the lock's script half-way (the
// lock taken and the caller told it was not) nor passes for none: the lock
// is taken, loaded is false, and LoadState meets the error.
func TestAcquireStateLeavesAnUnreadableRecordToTheCaller(t *testing.T) {
	s, r := newStore(t)
	ctx := context.Background()
	if err := r.Client.LPush(ctx, r.Prefix+":{rel:o/r#1}:state", "x").Err(); err != nil {
		t.Fatal(err)
	}
	got, err := s.AcquireState(ctx, "o/r#1", "a", time.Minute, queue.Place{At: lineT0}, true)
	st, loaded := got.State, got.Loaded
	if err != nil || loaded || st != nil {
		t.Fatalf("got %q loaded=%v %v, want the lock and nothing loaded", st, loaded, err)
	}
	if err := s.Release(ctx, "o/r#1", "a"); err != nil {
		t.Fatalf("the lock was not taken: %v", err)
	}
	if _, err := s.LoadState(ctx, "o/r#1"); err == nil {
		t.Fatal("LoadState read a list as a record")
	}
}
