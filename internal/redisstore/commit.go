package redisstore

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// SaveIndexed is SaveState and the commit and ref index changes of the
// same commit of a release's change, in one round trip: a pipeline (not
// a transaction: the keys live in different cluster slots). Every
// command's error is read; on one the caller's retry writes all again.
func (s *Store) SaveIndexed(ctx context.Context, release string, state []byte, open bool, repo string, shas, refs []string) error {
	pipe := s.rdb.Pipeline()
	set := pipe.SetArgs(ctx, s.key(releaseTag(release), "state"), state, redis.SetArgs{KeepTTL: true}) // an expiry set by retention.go stays
	var open1 *redis.IntCmd
	if open {
		open1 = pipe.SAdd(ctx, s.key("releases"), release)
	} else {
		open1 = pipe.SRem(ctx, s.key("releases"), release)
	}
	var keys []string
	for _, sha := range shas {
		keys = append(keys, s.commitKey(repo, sha))
	}
	for _, ref := range refs {
		keys = append(keys, s.refKey(repo, ref))
	}
	for _, k := range keys {
		pipe.SAdd(ctx, k, release)
		pipe.Expire(ctx, k, IndexTTL)
	}
	cmds, _ := pipe.Exec(ctx) // each command's own error is read below
	if err := set.Err(); err != nil {
		return fmt.Errorf("save state %s: %w", release, err)
	}
	if err := open1.Err(); err != nil {
		return fmt.Errorf("index release %s: %w", release, err)
	}
	for _, c := range cmds {
		if err := c.Err(); err != nil {
			return fmt.Errorf("index %s: %w", release, err)
		}
	}
	return nil
}
