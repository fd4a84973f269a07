package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ag06mixer/golive/internal/queue"
)

// IndexTTL bounds how long a commit or branch keeps pointing at a release:
// long enough for the post-go-live month, then Redis forgets it.
const IndexTTL = 40 * 24 * time.Hour

func (s *Store) commitKey(repo, sha string) string { return s.key("idx", "sha", repo, sha) }
func (s *Store) refKey(repo, ref string) string    { return s.key("idx", "ref", repo, ref) }

// IndexCommit records that a commit (a head or a merge commit) belongs to
// a release, so statuses and deployments that name only a SHA find it.
func (s *Store) IndexCommit(ctx context.Context, repo, sha, release string) error {
	return s.index(ctx, s.commitKey(repo, sha), release)
}

// IndexRef records that a branch is a release's head branch.
func (s *Store) IndexRef(ctx context.Context, repo, ref, release string) error {
	return s.index(ctx, s.refKey(repo, ref), release)
}

func (s *Store) index(ctx context.Context, k, release string) error {
	pipe := s.rdb.Pipeline()
	pipe.SAdd(ctx, k, release)
	pipe.Expire(ctx, k, IndexTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("index %s: %w", release, err)
	}
	return nil
}

// ByCommit returns the releases a commit belongs to.
func (s *Store) ByCommit(ctx context.Context, repo, sha string) ([]string, error) {
	return s.rdb.SMembers(ctx, s.commitKey(repo, sha)).Result()
}

// ByRef returns the releases whose head branch is ref.
func (s *Store) ByRef(ctx context.Context, repo, ref string) ([]string, error) {
	return s.rdb.SMembers(ctx, s.refKey(repo, ref)).Result()
}

func (s *Store) dirtyKey() string      { return s.key("{q}", "dirty") }
func (s *Store) dirtyFirstKey() string { return s.key("{q}", "dirty-first") }
func (s *Store) dirtyGenKey() string   { return s.key("{q}", "dirty-gen") }

// markScript debounces a release's sync: each mark pushes the due time to
// now+window, but never past the first mark + maxWait, so a steady stream
// of events still gets a trailing write at least every maxWait.
var markScript = redis.NewScript(`
local first = redis.call("HGET", KEYS[2], ARGV[1])
if not first then
  first = ARGV[5]
  redis.call("HSET", KEYS[2], ARGV[1], first)
end
local due = math.min(tonumber(ARGV[2]) + tonumber(ARGV[3]), tonumber(first) + tonumber(ARGV[4]))
redis.call("ZADD", KEYS[1], due, ARGV[1])
local gen = redis.call("HINCRBY", KEYS[3], ARGV[1], 1)
return {due, gen}`)

// MarkDirty asks for a release's GitHub objects to be synced after a
// quiet window, and no later than maxWait after its first mark. since is
// when the change marked reached golive (zero: now): a release not marked
// yet counts maxWait from there, so an event that waited in the queue
// does not wait a whole maxWait more. The mark lives in Redis, so a sync
// owed by a replica that dies is done by another. It returns the mark and
// when it falls due.
func (s *Store) MarkDirty(ctx context.Context, release string, now time.Time, window, maxWait time.Duration, since time.Time) (Dirty, time.Time, error) {
	return markResult(release, markScript.Run(ctx, s.rdb, []string{s.dirtyKey(), s.dirtyFirstKey(), s.dirtyGenKey()}, release,
		now.UnixMilli(), window.Milliseconds(), maxWait.Milliseconds(), firstMark(now, since)))
}

// firstMark is the first-mark time MarkDirty keeps for since: now when
// since is zero or later.
func firstMark(now, since time.Time) int64 {
	if since.IsZero() || since.After(now) {
		return now.UnixMilli()
	}
	return since.UnixMilli()
}

// markResult reads markScript's answer: the due time and the generation.
func markResult(release string, cmd *redis.Cmd) (Dirty, time.Time, error) {
	v, err := cmd.Int64Slice()
	if err == nil && len(v) != 2 {
		err = fmt.Errorf("the mark script answered %v", v)
	}
	if err != nil {
		return Dirty{}, time.Time{}, fmt.Errorf("mark %s for sync: %w", release, err)
	}
	return Dirty{Release: release, Gen: v[1]}, time.UnixMilli(v[0]), nil
}

// Dirty is a release owed a sync.
type Dirty = queue.Dirty

// DueDirty lists up to n releases whose sync is due at now.
func (s *Store) DueDirty(ctx context.Context, now time.Time, n int) ([]Dirty, error) {
	zs, err := s.rdb.ZRangeByScoreWithScores(ctx, s.dirtyKey(), &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10), Count: int64(n),
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("read due syncs: %w", err)
	}
	if len(zs) == 0 {
		return nil, nil
	}
	names := make([]string, len(zs))
	for i, z := range zs {
		names[i] = z.Member.(string)
	}
	gens, err := s.rdb.HMGet(ctx, s.dirtyGenKey(), names...).Result()
	if err != nil {
		return nil, fmt.Errorf("read due syncs: %w", err)
	}
	out := make([]Dirty, 0, len(zs))
	for i, name := range names {
		g, _ := gens[i].(string)
		n, _ := strconv.ParseInt(g, 10, 64)
		out = append(out, Dirty{Release: name, Gen: n})
	}
	return out, nil
}

// clearScript removes a sync mark only if no new mark came while the sync
// ran; a newer mark stays for the next round.
var clearScript = redis.NewScript(`
local gen = redis.call("HGET", KEYS[3], ARGV[1])
if (not gen and ARGV[2] == "0") or (gen and tonumber(gen) == tonumber(ARGV[2])) then
  redis.call("ZREM", KEYS[1], ARGV[1])
  redis.call("HDEL", KEYS[2], ARGV[1])
  redis.call("HDEL", KEYS[3], ARGV[1])
  return 1
end
return 0`)

// ClearDirty removes the mark d if it is unchanged. It reports whether the
// mark went; false means a newer event wants another sync.
func (s *Store) ClearDirty(ctx context.Context, d Dirty) (bool, error) {
	n, err := clearScript.Run(ctx, s.rdb, []string{s.dirtyKey(), s.dirtyFirstKey(), s.dirtyGenKey()}, d.Release, d.Gen).Int()
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, fmt.Errorf("clear sync mark of %s: %w", d.Release, err)
	}
	return n == 1, nil
}

// DirtyCount is the number of releases owed a sync.
func (s *Store) DirtyCount(ctx context.Context) (int64, error) {
	return s.rdb.ZCard(ctx, s.dirtyKey()).Result()
}
