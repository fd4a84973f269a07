package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
)

func newStore(t *testing.T) (*redisstore.Store, *redistest.Redis) {
	r := redistest.New(t)
	return redisstore.New(r.Client, r.Prefix), r
}

func TestEnqueueDedupes(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	d := redisstore.Delivery{ID: "d-1", Event: "ping", Payload: []byte(`{"zen":"x"}`), Received: time.Now()}
	for i := range 3 {
		dup, err := s.Enqueue(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if dup != (i > 0) {
			t.Fatalf("enqueue %d: got dup=%v", i, dup)
		}
	}
	got, err := s.Read(ctx, "c1", 10, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "d-1" || string(got[0].Payload) != `{"zen":"x"}` || got[0].Attempt != 1 {
		t.Fatalf("got %+v, want the one delivery", got)
	}
}

// TestKilledConsumerIsReclaimed: a consumer reads a delivery and dies
// before XACK. Another consumer claims it after the idle time and applies
// it once; nothing is lost and nothing runs twice.
func TestKilledConsumerIsReclaimed(t *testing.T) {
	s, r := newStore(t)
	ctx := context.Background()
	if _, err := s.Enqueue(ctx, redisstore.Delivery{ID: "d-2", Event: "issues", Payload: []byte("{}"), Received: time.Now()}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Read(ctx, "doomed", 10, 10*time.Millisecond)
	if err != nil || len(got) != 1 {
		t.Fatalf("got %v, %v", got, err)
	}
	// "doomed" dies here: no ack. A fresh read sees nothing new.
	if more, _ := s.Read(ctx, "survivor", 10, 10*time.Millisecond); len(more) != 0 {
		t.Fatalf("a second consumer read %d new entries, want 0", len(more))
	}
	if early, _ := s.Claim(ctx, "survivor", time.Hour, 10); len(early) != 0 {
		t.Fatal("an entry was claimed before it went idle")
	}
	time.Sleep(60 * time.Millisecond)
	claimed, err := s.Claim(ctx, "survivor", 50*time.Millisecond, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(claimed) != 1 || claimed[0].ID != "d-2" {
		t.Fatalf("claimed %+v, want d-2", claimed)
	}
	if err := s.Ack(ctx, claimed[0].Entry); err != nil {
		t.Fatal(err)
	}
	time.Sleep(60 * time.Millisecond)
	if again, _ := s.Claim(ctx, "third", 50*time.Millisecond, 10); len(again) != 0 {
		t.Fatalf("an acknowledged entry was claimed again: %+v", again)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Pending != 0 || st.Depth != 0 {
		t.Errorf("got %+v, want an empty queue", st)
	}
	_ = r
}

func TestRetryDeadLetterRequeue(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	now := time.Now()
	s.Enqueue(ctx, redisstore.Delivery{ID: "d-3", Event: "status", Payload: []byte(`{"a":"b\"c"}`), Received: now})
	got, _ := s.Read(ctx, "c", 1, 10*time.Millisecond)
	if err := s.Retry(ctx, got[0], now.Add(time.Minute), errors.New("github: 502")); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.PromoteDue(ctx, now); n != 0 {
		t.Fatalf("promoted %d before due", n)
	}
	if n, err := s.PromoteDue(ctx, now.Add(2*time.Minute)); n != 1 || err != nil {
		t.Fatalf("promoted %d, %v; want 1", n, err)
	}
	got, _ = s.Read(ctx, "c", 1, 10*time.Millisecond)
	if len(got) != 1 || got[0].Attempt != 2 || string(got[0].Payload) != `{"a":"b\"c"}` {
		t.Fatalf("retried delivery: %+v", got)
	}
	if err := s.DeadLetter(ctx, got[0], errors.New("gave up")); err != nil {
		t.Fatal(err)
	}
	dead, _ := s.Dead(ctx, 10)
	if len(dead) != 1 || dead[0].Error != "gave up" {
		t.Fatalf("dead letters: %+v", dead)
	}
	if n, err := s.Requeue(ctx, 100); n != 1 || err != nil {
		t.Fatalf("requeued %d, %v", n, err)
	}
	got, _ = s.Read(ctx, "c", 1, 10*time.Millisecond)
	if len(got) != 1 || got[0].ID != "d-3" || got[0].Attempt != 1 {
		t.Fatalf("requeued delivery: %+v", got)
	}
	if st, _ := s.Stats(ctx); st.Dead != 0 {
		t.Errorf("dead letters left: %d", st.Dead)
	}
}

// TestLockExcludes: many workers on one release never overlap.
func TestLockExcludes(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	var inside, overlaps, done atomic.Int32
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; {
				l, err := s.TryLock(ctx, "o/r#1", fmt.Sprintf("w%d-%d", w, i), 5*time.Second)
				if errors.Is(err, redisstore.ErrLockHeld) {
					time.Sleep(time.Millisecond)
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				if inside.Add(1) > 1 {
					overlaps.Add(1)
				}
				time.Sleep(2 * time.Millisecond)
				inside.Add(-1)
				if err := l.Unlock(ctx); err != nil {
					t.Error(err)
				}
				done.Add(1)
				i++
			}
		}()
	}
	wg.Wait()
	if overlaps.Load() != 0 || done.Load() != 20 {
		t.Errorf("got %d overlaps and %d turns, want 0 and 20", overlaps.Load(), done.Load())
	}
}

// TestExpiredHolderCannotUnlock: a holder whose lock expired and was taken
// by another cannot release or renew the new holder's lock.
func TestExpiredHolderCannotUnlock(t *testing.T) {
	s, r := newStore(t)
	ctx := context.Background()
	old, err := s.TryLock(ctx, "o/r#2", "old", 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.TryLock(ctx, "o/r#2", "new", time.Minute); !errors.Is(err, redisstore.ErrLockHeld) {
		t.Fatalf("got %v, want ErrLockHeld while the old lock lives", err)
	}
	r.Advance(150 * time.Millisecond)
	fresh, err := s.TryLock(ctx, "o/r#2", "new", time.Minute)
	if err != nil {
		t.Fatalf("lock after expiry: %v", err)
	}
	if err := old.Unlock(ctx); !errors.Is(err, redisstore.ErrLockLost) {
		t.Errorf("old holder unlock: got %v, want ErrLockLost", err)
	}
	if err := old.Renew(ctx); !errors.Is(err, redisstore.ErrLockLost) {
		t.Errorf("old holder renew: got %v, want ErrLockLost", err)
	}
	if _, err := s.TryLock(ctx, "o/r#2", "third", time.Minute); !errors.Is(err, redisstore.ErrLockHeld) {
		t.Errorf("the new lock was released by the old holder: %v", err)
	}
	if err := fresh.Unlock(ctx); err != nil {
		t.Error(err)
	}
}

func TestDeadRedis(t *testing.T) {
	s, r := newStore(t)
	r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := s.Enqueue(ctx, redisstore.Delivery{ID: "x", Event: "ping", Received: time.Now()}); err == nil {
		t.Error("enqueue to a dead Redis succeeded")
	}
	if err := s.Ping(ctx); err == nil {
		t.Error("ping of a dead Redis succeeded")
	}
}

func TestOpenURLs(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"redis://127.0.0.1:6379/0", true},
		{"rediss://user:pw@127.0.0.1:6380/1", true},
		{"redis+sentinel://:pw@127.0.0.1:26379,127.0.0.2:26379/mymaster?db=2", true},
		{"redis+cluster://127.0.0.1:7000,127.0.0.1:7001", true},
		{"redis+sentinel://127.0.0.1:26379", false},
		{"memcached://127.0.0.1", false},
	} {
		c, err := redisstore.Open(tc.url)
		if (err == nil) != tc.ok {
			t.Errorf("Open(%q): got %v, want ok=%v", tc.url, err, tc.ok)
		}
		if c != nil {
			c.Close()
		}
	}
}
