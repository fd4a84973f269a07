package redisstore_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
)

// trips counts the client's round trips to Redis: one per command sent
// alone, one per pipeline; a connection's handshake (HELLO, CLIENT
// SETINFO, which go-redis sends through the hooks too) is not counted.
type trips struct{ n atomic.Int64 }

func handshake(cmd redis.Cmder) bool {
	switch cmd.Name() {
	case "hello", "client", "auth", "select":
		return true
	}
	return false
}

func (c *trips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *trips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !handshake(cmd) {
			c.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (c *trips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) > 0 && !handshake(cmds[0]) {
			c.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

// TestSaveStateOneRoundTrip: saving a release's record, open or closed,
// costs one round trip to Redis (it cost two: a MULTI/EXEC around the SET,
// then the index's SADD), and both its effects are there after it.
func TestSaveStateOneRoundTrip(t *testing.T) {
	r := redistest.New(t)
	s := redisstore.New(r.Client, r.Prefix)
	c := &trips{}
	r.Client.AddHook(c)
	ctx := context.Background()
	// The connection's own handshake is not the save's.
	if err := r.Client.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	for _, open := range []bool{true, false} {
		before := c.n.Load()
		if err := s.SaveState(ctx, "o/r#1", []byte(`{"state":{}}`), open); err != nil {
			t.Fatal(err)
		}
		if n := c.n.Load() - before; n != 1 {
			t.Errorf("open=%v: SaveState took %d round trips, want 1", open, n)
		}
		got, err := s.LoadState(ctx, "o/r#1")
		if err != nil || string(got) != `{"state":{}}` {
			t.Errorf("open=%v: saved %q, %v", open, got, err)
		}
		rel, err := s.Releases(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if indexed := len(rel) == 1 && rel[0] == "o/r#1"; indexed != open {
			t.Errorf("open=%v: the open index holds %v", open, rel)
		}
	}
}

// TestSaveIndexedOneRoundTrip: a commit's save and its index changes (the
// head, the merge commit, the branch) cost one round trip (they cost four:
// the save's two and one per index key), and each is there after it.
func TestSaveIndexedOneRoundTrip(t *testing.T) {
	r := redistest.New(t)
	s := redisstore.New(r.Client, r.Prefix)
	c := &trips{}
	r.Client.AddHook(c)
	ctx := context.Background()
	if err := r.Client.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	before := c.n.Load()
	if err := s.SaveIndexed(ctx, "o/r#1", []byte(`{"state":{}}`), true, "o/r", []string{"aaa", "mmm"}, []string{"release/1"}); err != nil {
		t.Fatal(err)
	}
	if n := c.n.Load() - before; n != 1 {
		t.Errorf("SaveIndexed took %d round trips, want 1", n)
	}
	got, err := s.LoadState(ctx, "o/r#1")
	if err != nil || string(got) != `{"state":{}}` {
		t.Errorf("saved %q, %v", got, err)
	}
	rel, _ := s.Releases(ctx)
	head, _ := s.ByCommit(ctx, "o/r", "aaa")
	merge, _ := s.ByCommit(ctx, "o/r", "mmm")
	ref, _ := s.ByRef(ctx, "o/r", "release/1")
	for name, v := range map[string][]string{"open index": rel, "head": head, "merge commit": merge, "branch": ref} {
		if len(v) != 1 || v[0] != "o/r#1" {
			t.Errorf("%s: %v, want the release", name, v)
		}
	}
	ttl, err := r.Client.TTL(ctx, r.Prefix+":idx:sha:o/r:aaa").Result()
	if err != nil || ttl <= 0 || ttl > redisstore.IndexTTL {
		t.Errorf("the head's index key expires in %v (%v), want within IndexTTL", ttl, err)
	}
}
