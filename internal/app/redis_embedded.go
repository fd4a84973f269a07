//go:build !nodemo

package app

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// embeddedRedis starts an in-memory Redis for a golive without
// GOLIVE_REDIS_URL: the demo, and a first try on a laptop. The release
// image is built with -tags nodemo and carries none (redis_nodemo.go).
func embeddedRedis(log *slog.Logger) (redis.UniversalClient, func(), error) {
	m, err := miniredis.Run()
	if err != nil {
		return nil, nil, fmt.Errorf("start embedded Redis: %w", err)
	}
	log.Warn("GOLIVE_REDIS_URL is unset: using an embedded in-memory Redis. State is NOT durable: a restart loses the queue, and releases are rebuilt from GitHub by the reconciler. Set GOLIVE_REDIS_URL for production.")
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	stop := realTime(m)
	return rdb, func() { stop(); rdb.Close(); m.Close() }, nil
}

// realTime makes miniredis expire keys as time passes, as Redis does;
// on its own it expires them only when told to.
func realTime(m *miniredis.Miniredis) (stop func()) {
	done := make(chan struct{})
	go func() {
		last := time.Now()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				m.FastForward(now.Sub(last))
				last = now
			}
		}
	}()
	return func() { close(done) }
}
