package redisstore

import (
	"context"
	"fmt"
	"time"
)

// ExpireRelease gives a release's record (its state, with the probe
// history and the delivery and comment ids it remembers) and the named
// cache entries (its receipts) an expiry ttl from now. SaveState keeps an
// expiry once set, so later saves do not bring the record back forever.
// The commit and branch indexes expire on their own (IndexTTL), and the
// delivery dedupe marks after 4 days.
func (s *Store) ExpireRelease(ctx context.Context, release string, ttl time.Duration, cacheKeys ...string) error {
	pipe := s.rdb.Pipeline()
	pipe.PExpire(ctx, s.key(releaseTag(release), "state"), ttl)
	for _, k := range cacheKeys {
		pipe.PExpire(ctx, s.key("cache", k), ttl)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("expire release %s: %w", release, err)
	}
	return nil
}
