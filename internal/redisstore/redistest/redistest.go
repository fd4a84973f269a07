// Package redistest gives tests a Redis: the real server named by
// GOLIVE_TEST_REDIS_URL when it is set (as CI sets it), or an embedded
// miniredis otherwise, so `go test ./...` passes on a bare machine.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Redis is a test's Redis.
type Redis struct {
	Client redis.UniversalClient
	// Prefix is unique to the test, so tests sharing a real server never
	// see each other's keys.
	Prefix string
	// URL reaches the same server, for a second process or client.
	URL  string
	mini *miniredis.Miniredis
}

// New returns a Redis for t, cleaned up when t ends.
func New(t testing.TB) *Redis {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	r := &Redis{Prefix: "golive-test-" + hex.EncodeToString(b[:])}
	if url := os.Getenv("GOLIVE_TEST_REDIS_URL"); url != "" {
		opt, err := redis.ParseURL(url)
		if err != nil {
			t.Fatalf("GOLIVE_TEST_REDIS_URL: %v", err)
		}
		r.Client = redis.NewClient(opt)
		r.URL = url
		if err := r.Client.Ping(context.Background()).Err(); err != nil {
			t.Fatalf("GOLIVE_TEST_REDIS_URL %s does not answer: %v", url, err)
		}
		t.Cleanup(func() {
			ctx := context.Background()
			iter := r.Client.Scan(ctx, 0, r.Prefix+":*", 1000).Iterator()
			for iter.Next(ctx) {
				r.Client.Del(ctx, iter.Val())
			}
			r.Client.Close()
		})
		return r
	}
	r.mini = miniredis.RunT(t)
	r.URL = "redis://" + r.mini.Addr()
	r.Client = redis.NewClient(&redis.Options{Addr: r.mini.Addr()})
	// Expire keys as wall time passes, as a real server does.
	done := make(chan struct{})
	go func() {
		last := time.Now()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-tick.C:
				r.mini.FastForward(now.Sub(last))
				last = now
			}
		}
	}()
	t.Cleanup(func() { close(done); r.Client.Close() })
	return r
}

// Real reports whether this is a real Redis server.
func (r *Redis) Real() bool { return r.mini == nil }

// Advance lets d pass for key expiry: miniredis is fast-forwarded, a real
// server is waited for.
func (r *Redis) Advance(d time.Duration) {
	if r.mini != nil {
		r.mini.FastForward(d)
		return
	}
	time.Sleep(d)
}

// Close stops the server (miniredis) or the client (a real server), to
// test a dead Redis.
func (r *Redis) Close() {
	if r.mini != nil {
		r.mini.Close()
		return
	}
	r.Client.Close()
}

// Lose drops every key golive keeps, as a Redis restart without
// persistence does: FLUSHALL on the test's own embedded server, and on a
// shared real server every key under the test's prefix (golive writes no
// other), so tests running beside it keep theirs.
func (r *Redis) Lose(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	if r.mini != nil {
		if err := r.Client.FlushAll(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		return
	}
	iter := r.Client.Scan(ctx, 0, r.Prefix+":*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if err := r.Client.Del(ctx, k).Err(); err != nil {
			t.Fatal(err)
		}
	}
}
