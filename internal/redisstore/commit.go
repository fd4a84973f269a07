package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ag06mixer/golive/internal/queue"
)

// Commit writes one pass over a release in one round trip: a pipeline
// (not a transaction: the keys live in different cluster slots) of the
// index entries named, then the record, then the sync mark. Every
// command's error is read; on one the caller's retry writes again.
//
// The index entries go first: on one server a pipeline runs in order, so
// a record saved says its index entries were written before it. The
// tracker keeps in the record which entries it wrote, and names only new
// ones; a record saved while an entry failed (a cluster's other node)
// names it again at the tracker's next refresh of the index.
//
// The mark is the script MarkDirty runs, sent by its SHA; a Redis that
// lost its scripts (a restart, SCRIPT FLUSH) has it sent again, alone:
// the first commit after that costs two round trips.
func (s *Store) Commit(ctx context.Context, c queue.Commit) (queue.Dirty, time.Time, error) {
	pipe := s.rdb.Pipeline()
	var keys []string
	for _, sha := range c.SHAs {
		keys = append(keys, s.commitKey(c.Repo, sha))
	}
	for _, ref := range c.Refs {
		keys = append(keys, s.refKey(c.Repo, ref))
	}
	var index []redis.Cmder
	for _, k := range keys {
		index = append(index, pipe.SAdd(ctx, k, c.Release), pipe.Expire(ctx, k, IndexTTL))
	}
	if c.WriteOpen {
		if c.Open {
			index = append(index, pipe.SAdd(ctx, s.key("releases"), c.Release))
		} else {
			index = append(index, pipe.SRem(ctx, s.key("releases"), c.Release))
		}
	}
	set := pipe.SetArgs(ctx, s.key(releaseTag(c.Release), "state"), c.State, redis.SetArgs{KeepTTL: true}) // an expiry set by retention.go stays
	var mark *redis.Cmd
	var markKeys []string
	var markArgs []any
	if c.Mark {
		markKeys = []string{s.dirtyKey(), s.dirtyFirstKey(), s.dirtyGenKey()}
		markArgs = []any{c.Release, c.Now.UnixMilli(), c.Window.Milliseconds(), c.MaxWait.Milliseconds(), firstMark(c.Now, c.Since)}
		mark = markScript.EvalSha(ctx, pipe, markKeys, markArgs...)
	}
	_, _ = pipe.Exec(ctx) // each command's own error is read below
	for _, cmd := range index {
		if err := cmd.Err(); err != nil {
			return queue.Dirty{}, time.Time{}, fmt.Errorf("index %s: %w", c.Release, err)
		}
	}
	if err := set.Err(); err != nil {
		return queue.Dirty{}, time.Time{}, fmt.Errorf("save state %s: %w", c.Release, err)
	}
	if mark == nil {
		return queue.Dirty{}, time.Time{}, nil
	}
	if redis.HasErrorPrefix(mark.Err(), "NOSCRIPT") {
		mark = markScript.Eval(ctx, s.rdb, markKeys, markArgs...) // which loads it again
	}
	return markResult(c.Release, mark)
}
