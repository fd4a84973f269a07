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
// the first commit after that costs two round trips. So is the unlock,
// last, when the commit carries one (queue.Commit.Unlock): the pass's
// lock released with its last write, not in a round trip of its own.
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
	var unlock *redis.Cmd
	lockKey := s.key(releaseTag(c.Release), "lock")
	if c.Unlock != "" {
		unlock = unlockScript.EvalSha(ctx, pipe, []string{lockKey}, c.Unlock)
	}
	_, _ = pipe.Exec(ctx) // each command's own error is read below
	d, due, err := s.commitResult(ctx, c, index, set, mark, markKeys, markArgs)
	if err != nil || unlock == nil {
		return d, due, err // the lock, if it went, is released again by its holder: ErrLockLost then
	}
	if redis.HasErrorPrefix(unlock.Err(), "NOSCRIPT") {
		unlock = unlockScript.Eval(ctx, s.rdb, []string{lockKey}, c.Unlock) // which loads it again, after the mark
	}
	n, err := unlock.Int()
	if err != nil {
		return d, due, fmt.Errorf("unlock %s: %w", c.Release, err)
	}
	if n == 0 {
		return d, due, fmt.Errorf("%s: lock expired while working: %w", c.Release, ErrLockLost)
	}
	return d, due, nil
}

func (s *Store) commitResult(ctx context.Context, c queue.Commit, index []redis.Cmder, set *redis.StatusCmd, mark *redis.Cmd, markKeys []string, markArgs []any) (queue.Dirty, time.Time, error) {
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
