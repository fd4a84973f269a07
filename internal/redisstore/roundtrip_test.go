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
