package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ag06mixer/golive/internal/queue"
)

// saveScript is a pass's fenced save: the record is written only while
// the pass's token holds the release's lock (KEYS[1]), with the state's
// expiry kept (retention.go); asked to (ARGV[3]), the lock is released
// after. It answers 0, having written nothing, when the token no longer
// holds the lock: a pass whose lock expired while it worked never writes
// over the record of the pass that took the lock next. That pass may
// have written GitHub before it found out, though (a check run's stale
// verdict), so a refused save marks the release unsure (KEYS[3]): the
// next pass forgets what the record says golive last wrote, and writes
// it all again; its save clears the mark (ARGV[4]).
var saveScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) ~= ARGV[1] then
  redis.call("SET", KEYS[3], "1", "EX", 2592000)
  return 0
end
redis.call("SET", KEYS[2], ARGV[2], "KEEPTTL")
if ARGV[4] == "1" then redis.call("DEL", KEYS[3]) end
if ARGV[3] == "1" then redis.call("DEL", KEYS[1]) end
return 1`)

// Commit writes one pass over a release in one round trip: a pipeline
// (not a transaction: the keys live in different cluster slots) of the
// index entries named, then the sync mark, then the record. Every
// command's error is read; on one the caller's retry writes again.
//
// The index entries go first: on one server a pipeline runs in order, so
// a record saved says its index entries were written before it. The
// tracker keeps in the record which entries it wrote, and names only new
// ones; a record saved while an entry failed (a cluster's other node)
// names it again at the tracker's next refresh of the index. A mark made
// for a record then not saved costs one sync that finds nothing new.
//
// A commit with the pass's lock token (queue.Commit.Token) saves the
// record fenced by the lock (saveScript; the lock and the record share
// the release's hash tag, so one node runs it), and with Unlock releases
// the lock in the same call, not in a round trip of its own. On a
// cluster the unlock is sent after the pipeline instead, so that the
// other nodes' index entries and mark are written before the next pass
// can take the lock.
//
// The mark and the save are scripts sent by their SHA; a Redis that lost
// its scripts (a restart, SCRIPT FLUSH) has each sent again, alone and in
// the same order: the first commit after that costs more round trips.
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
	var mark *redis.Cmd
	var markKeys []string
	var markArgs []any
	if c.Mark {
		markKeys = []string{s.dirtyKey(), s.dirtyFirstKey(), s.dirtyGenKey()}
		markArgs = []any{c.Release, c.Now.UnixMilli(), c.Window.Milliseconds(), c.MaxWait.Milliseconds(), firstMark(c.Now, c.Since)}
		mark = markScript.EvalSha(ctx, pipe, markKeys, markArgs...)
	}
	stateKey := s.key(releaseTag(c.Release), "state")
	lockKey := s.key(releaseTag(c.Release), "lock")
	unlockHere := c.Token != "" && c.Unlock && !s.cluster()
	saveArgs := []any{c.Token, c.State, "0", "0"}
	if unlockHere {
		saveArgs[2] = "1"
	}
	if c.ClearUnsure {
		saveArgs[3] = "1"
	}
	saveKeys := []string{lockKey, stateKey, s.unsureKey(c.Release)}
	var set *redis.StatusCmd
	var fenced *redis.Cmd
	if c.Token == "" {
		set = pipe.SetArgs(ctx, stateKey, c.State, redis.SetArgs{KeepTTL: true}) // an expiry set by retention.go stays
	} else {
		fenced = saveScript.EvalSha(ctx, pipe, saveKeys, saveArgs...)
	}
	_, _ = pipe.Exec(ctx) // each command's own error is read below
	for _, cmd := range index {
		if err := cmd.Err(); err != nil {
			return queue.Dirty{}, time.Time{}, fmt.Errorf("index %s: %w", c.Release, err)
		}
	}
	if mark != nil && redis.HasErrorPrefix(mark.Err(), "NOSCRIPT") {
		mark = markScript.Eval(ctx, s.rdb, markKeys, markArgs...) // which loads it again
	}
	if fenced != nil && redis.HasErrorPrefix(fenced.Err(), "NOSCRIPT") {
		fenced = saveScript.Eval(ctx, s.rdb, saveKeys, saveArgs...) // after the mark, as in the pipeline
	}
	var d queue.Dirty
	var due time.Time
	if mark != nil {
		var err error
		if d, due, err = markResult(c.Release, mark); err != nil {
			return d, due, err
		}
	}
	if set != nil {
		if err := set.Err(); err != nil {
			return d, due, fmt.Errorf("save state %s: %w", c.Release, err)
		}
		return d, due, nil
	}
	n, err := fenced.Int()
	if err != nil {
		return d, due, fmt.Errorf("save state %s: %w", c.Release, err)
	}
	if n == 0 {
		return d, due, fmt.Errorf("%s: lock expired while working; the record is the next holder's, not saved: %w", c.Release, ErrLockLost)
	}
	if c.Unlock && !unlockHere {
		return d, due, s.Release(ctx, c.Release, c.Token)
	}
	return d, due, nil
}

// cluster says the client is a Redis Cluster's, whose pipelines run on
// each node apart.
func (s *Store) cluster() bool {
	_, ok := s.rdb.(*redis.ClusterClient)
	return ok
}
