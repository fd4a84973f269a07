package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
)

// TestCommitUnlocksInItsRoundTrip: a commit that carries its pass's lock
// token saves, marks and releases the lock in one round trip; a token
// that no longer holds the lock gets ErrLockLost, saves nothing, and the
// lock's new holder keeps it; a Redis that lost its scripts still saves
// and releases the lock.
func TestCommitUnlocksInItsRoundTrip(t *testing.T) {
	r := redistest.New(t)
	s := redisstore.New(r.Client, r.Prefix)
	c := &trips{}
	r.Client.AddHook(c)
	ctx := context.Background()
	now := time.UnixMilli(1_700_000_000_000)
	at := queue.Place{At: now}
	take := func(token string) {
		t.Helper()
		if _, err := s.AcquireState(ctx, "o/r#1", token, time.Minute, at, true); err != nil {
			t.Fatalf("%s takes the lock: %v", token, err)
		}
	}
	commit := func(token, state string) error {
		_, _, err := s.Commit(ctx, queue.Commit{Release: "o/r#1", State: []byte(state), Repo: "o/r",
			Mark: true, Now: now, Window: time.Second, MaxWait: 10 * time.Second, Token: token, Unlock: true})
		return err
	}
	take("a")
	if err := commit("a", `{"n":0}`); err != nil { // the scripts learnt
		t.Fatal(err)
	}
	take("a")
	before := c.n.Load()
	if err := commit("a", `{"n":1}`); err != nil {
		t.Fatal(err)
	}
	if n := c.n.Load() - before; n != 1 {
		t.Errorf("the commit with its unlock took %d round trips, want 1", n)
	}
	take("b") // free again: b takes it at once
	if err := commit("a", `{"n":2}`); !errors.Is(err, redisstore.ErrLockLost) {
		t.Fatalf("a commit whose token lost the lock: %v, want ErrLockLost", err)
	}
	if got, _ := s.LoadState(ctx, "o/r#1"); string(got) != `{"n":1}` {
		t.Errorf("record %s, want the last one saved under the lock, not the lost lock's", got)
	}
	if err := s.Extend(ctx, "o/r#1", "b", time.Minute); err != nil {
		t.Fatalf("the lock's holder lost it to another's commit: %v", err)
	}
	if err := r.Client.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if err := commit("b", `{"n":3}`); err != nil {
		t.Fatalf("after SCRIPT FLUSH: %v", err)
	}
	if got, _ := s.LoadState(ctx, "o/r#1"); string(got) != `{"n":3}` {
		t.Errorf("record %s after SCRIPT FLUSH, want the commit's", got)
	}
	take("c")
	if err := s.Release(ctx, "o/r#1", "c"); err != nil {
		t.Fatal(err)
	}
}

// TestCommitFencedByTheLock: a commit with its pass's token and no
// unlock saves only while the token holds the lock, and keeps the lock;
// a commit with no token saves as before.
func TestCommitFencedByTheLock(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	commit := func(token, state string) error {
		_, _, err := s.Commit(ctx, queue.Commit{Release: "o/r#1", State: []byte(state), Repo: "o/r", Token: token})
		return err
	}
	if _, err := s.AcquireState(ctx, "o/r#1", "a", time.Minute, queue.Place{}, true); err != nil {
		t.Fatal(err)
	}
	if err := commit("a", `{"n":1}`); err != nil {
		t.Fatal(err)
	}
	if err := s.Extend(ctx, "o/r#1", "a", time.Minute); err != nil {
		t.Fatalf("a commit without Unlock released the lock: %v", err)
	}
	if err := commit("z", `{"n":2}`); !errors.Is(err, redisstore.ErrLockLost) {
		t.Fatalf("a commit by a token not holding the lock: %v, want ErrLockLost", err)
	}
	if got, _ := s.LoadState(ctx, "o/r#1"); string(got) != `{"n":1}` {
		t.Errorf("record %s, want the holder's", got)
	}
	if err := commit("", `{"n":3}`); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.LoadState(ctx, "o/r#1"); string(got) != `{"n":3}` {
		t.Errorf("record %s, want the unfenced save's", got)
	}
}

// TestRefusedSaveMarksTheReleaseUnsure: a save refused by the fence
// marks the release unsure, which the next lock taken with the record
// says; a save that says it acted on the mark clears it, one that does
// not keeps it.
func TestRefusedSaveMarksTheReleaseUnsure(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	take := func(token string) queue.Taken {
		t.Helper()
		got, err := s.AcquireState(ctx, "o/r#1", token, time.Minute, queue.Place{}, true)
		if err != nil {
			t.Fatalf("%s takes the lock: %v", token, err)
		}
		return got
	}
	commit := func(token string, clear bool) error {
		_, _, err := s.Commit(ctx, queue.Commit{Release: "o/r#1", State: []byte(`{}`), Repo: "o/r", Token: token, Unlock: true, ClearUnsure: clear})
		return err
	}
	if take("a").Unsure {
		t.Fatal("a new release is unsure")
	}
	if err := commit("gone", false); !errors.Is(err, redisstore.ErrLockLost) {
		t.Fatalf("a refused save: %v", err)
	}
	if err := commit("a", false); err != nil {
		t.Fatal(err)
	}
	if !take("b").Unsure {
		t.Fatal("the lock after a refused save does not say the release is unsure")
	}
	if err := commit("b", true); err != nil {
		t.Fatal(err)
	}
	if take("c").Unsure {
		t.Error("still unsure after a save that acted on it")
	}
}

// TestFencedSaveKeepsTheRecordsExpiry: a finished release's record keeps
// the expiry retention gave it through a fenced save.
func TestFencedSaveKeepsTheRecordsExpiry(t *testing.T) {
	s, r := newStore(t)
	ctx := context.Background()
	if err := s.SaveState(ctx, "o/r#1", []byte(`{}`), false); err != nil {
		t.Fatal(err)
	}
	if err := s.ExpireRelease(ctx, "o/r#1", time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AcquireState(ctx, "o/r#1", "a", time.Minute, queue.Place{}, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Commit(ctx, queue.Commit{Release: "o/r#1", State: []byte(`{"n":1}`), Repo: "o/r", Token: "a", Unlock: true}); err != nil {
		t.Fatal(err)
	}
	if ttl := r.Client.PTTL(ctx, r.Prefix+":{rel:o/r#1}:state").Val(); ttl <= 0 {
		t.Errorf("the record's expiry after a fenced save: %v, want the hour kept", ttl)
	}
}

// TestCommitUnlocksOnACluster: on a Redis Cluster client the unlock is
// sent after the pipeline, and the lock is free after the commit.
func TestCommitUnlocksOnACluster(t *testing.T) {
	m := miniredis.RunT(t)
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{m.Addr()}})
	t.Cleanup(func() { c.Close() })
	s := redisstore.New(c, "golive-test")
	ctx := context.Background()
	if _, err := s.AcquireState(ctx, "o/r#1", "a", time.Minute, queue.Place{}, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Commit(ctx, queue.Commit{Release: "o/r#1", State: []byte(`{"n":1}`), Repo: "o/r", Token: "a", Unlock: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AcquireState(ctx, "o/r#1", "b", time.Minute, queue.Place{}, true); err != nil {
		t.Fatalf("the lock after a cluster commit with its unlock: %v", err)
	}
	if got, _ := s.LoadState(ctx, "o/r#1"); string(got) != `{"n":1}` {
		t.Errorf("record %s", got)
	}
}
