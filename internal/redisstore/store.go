// Package redisstore is golive's Redis adapter: the delivery queue (a
// stream with a consumer group, a delay set for retries and a dead-letter
// stream), delivery dedupe, per-release locks, release state and caches.
//
// Keys carry hash tags so that Redis Cluster works: everything about one
// release shares the slot of {rel:owner/repo#pr}, and the queue's keys
// share {q}.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ag06mixer/golive/internal/queue"
)

// Store is golive's state in Redis.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	// now reads the clock of the lock line's heartbeats (time.Now).
	now func() time.Time
	// readSlice is the longest one queue read blocks in Redis (ReadSlice).
	readSlice time.Duration
}

// ReadSlice is the longest a queue read blocks in Redis at a time. A
// blocking XREADGROUP does not end when its context is cancelled (the
// command is already on the server), so a stopping worker would wait out
// the whole block it is in: Read cuts the block into reads this long and
// checks the context between them.
const ReadSlice = 100 * time.Millisecond

// New wraps a connected client. prefix namespaces every key ("golive").
func New(rdb redis.UniversalClient, prefix string) *Store {
	if prefix == "" {
		prefix = "golive"
	}
	return &Store{rdb: rdb, prefix: prefix, now: time.Now, readSlice: ReadSlice}
}

// Client returns the underlying client.
func (s *Store) Client() redis.UniversalClient { return s.rdb }

// Open connects to the Redis named by a URL:
//
//	redis://[user:pass@]host:port/db       one server
//	rediss://…                             the same over TLS
//	redis+sentinel://[:pass@]h1:26379,h2:26379/MASTER?db=0
//	redis+cluster://[:pass@]h1:6379,h2:6379
func Open(raw string) (redis.UniversalClient, error) {
	switch {
	case strings.HasPrefix(raw, "redis://"), strings.HasPrefix(raw, "rediss://"):
		opt, err := redis.ParseURL(raw)
		if err != nil {
			return nil, fmt.Errorf("parse GOLIVE_REDIS_URL: %w", err)
		}
		return redis.NewClient(opt), nil
	case strings.HasPrefix(raw, "redis+sentinel://"), strings.HasPrefix(raw, "redis+cluster://"):
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("parse GOLIVE_REDIS_URL: %w", err)
		}
		pass, _ := u.User.Password()
		addrs := strings.Split(u.Host, ",")
		if u.Scheme == "redis+cluster" {
			return redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, Password: pass}), nil
		}
		master := strings.Trim(u.Path, "/")
		if master == "" {
			return nil, errors.New("parse GOLIVE_REDIS_URL: a sentinel URL names the master: redis+sentinel://h1:26379,h2:26379/MASTER")
		}
		db := 0
		if v := u.Query().Get("db"); v != "" {
			fmt.Sscanf(v, "%d", &db)
		}
		return redis.NewFailoverClient(&redis.FailoverOptions{MasterName: master, SentinelAddrs: addrs, Password: pass, DB: db}), nil
	}
	return nil, fmt.Errorf("parse GOLIVE_REDIS_URL: unknown scheme in %q; want redis://, rediss://, redis+sentinel:// or redis+cluster://", redact(raw))
}

func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = url.User("…")
		return u.String()
	}
	return raw
}

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error { return s.rdb.Ping(ctx).Err() }

func (s *Store) key(parts ...string) string {
	return s.prefix + ":" + strings.Join(parts, ":")
}

// releaseTag is the hash tag of a release's keys.
func releaseTag(release string) string { return "{rel:" + release + "}" }

// ErrLockHeld is returned when another worker holds a release's lock.
var ErrLockHeld = queue.ErrLockHeld

// ErrLockLost is returned when a lock expired and was taken by another.
var ErrLockLost = queue.ErrLockLost

// Lock is a held per-release lock.
type Lock struct {
	s     *Store
	key   string
	token string
	ttl   time.Duration
}

var unlockScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`)

var renewScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`)

// TryLock takes the release's lock with SET NX PX and an owner token. A
// holder that dies leaves the lock to expire after ttl; nobody waits on a
// dead holder longer than that.
func (s *Store) TryLock(ctx context.Context, release, token string, ttl time.Duration) (*Lock, error) {
	k := s.key(releaseTag(release), "lock")
	ok, err := s.rdb.SetNX(ctx, k, token, ttl).Result()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", release, err)
	}
	if !ok {
		return nil, ErrLockHeld
	}
	return &Lock{s: s, key: k, token: token, ttl: ttl}, nil
}

// Renew extends the lock if this holder still owns it.
func (l *Lock) Renew(ctx context.Context) error {
	n, err := renewScript.Run(ctx, l.s.rdb, []string{l.key}, l.token, l.ttl.Milliseconds()).Int()
	if err != nil {
		return fmt.Errorf("renew lock: %w", err)
	}
	if n == 0 {
		return ErrLockLost
	}
	return nil
}

// Unlock releases the lock if this holder still owns it; it never deletes
// a lock someone else took after this one expired.
func (l *Lock) Unlock(ctx context.Context) error {
	n, err := unlockScript.Run(ctx, l.s.rdb, []string{l.key}, l.token).Int()
	if err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	if n == 0 {
		return ErrLockLost
	}
	return nil
}

// The waiting room of a release's lock: everyone who wants the lock
// queues in a sorted set by the GitHub time of the event it carries (the
// member, "%020d|token", breaks ties by comment id, since GitHub's ids only
// grow), and only the first may take the lock. A second sorted set holds
// each waiter's heartbeat deadline, so a waiter that died leaves the room
// within waitBeat instead of blocking the release.
//
// Polling SET NX with a growing back-off let the newest waiter win (it
// polled most often); with the room, waits are in GitHub order whatever
// order the workers took the events in, across replicas.
const waitBeat = 3 * time.Second

// acquireScript's first lines are the common case, an empty room and a
// free lock, taken in two commands instead of ten (the room's seat added
// and removed again); anyone waiting, even a waiter gone stale, takes the
// room's way, which orders and clears them. Taken, it answers the
// release's record read under the lock just taken and whether the
// release is marked unsure (saveScript): {1, state, unsure}
// (false for no state), {1} when the read failed (the caller reads it
// itself, and meets the error then). One round trip instead of two for
// every event (AcquireState).
var acquireScript = redis.NewScript(`
local function taken()
  local st = redis.pcall("GET", KEYS[4])
  if type(st) == "table" and st.err then return {1} end
  return {1, st, redis.call("EXISTS", KEYS[5])}
end
if ARGV[7] == "1" and redis.call("ZCARD", KEYS[2]) == 0 then
  if redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2], "NX") then return taken() end
end
local now = tonumber(ARGV[5])
local stale = redis.call("ZRANGEBYSCORE", KEYS[3], "-inf", now)
for _, m in ipairs(stale) do
  redis.call("ZREM", KEYS[2], m)
  redis.call("ZREM", KEYS[3], m)
end
redis.call("ZADD", KEYS[2], ARGV[3], ARGV[4])
redis.call("ZADD", KEYS[3], now + tonumber(ARGV[6]), ARGV[4])
redis.call("PEXPIRE", KEYS[2], 2 * tonumber(ARGV[6]))
redis.call("PEXPIRE", KEYS[3], 2 * tonumber(ARGV[6]))
local head = redis.call("ZRANGE", KEYS[2], 0, 0)[1]
if head ~= ARGV[4] then return 2 end
if ARGV[7] ~= "1" or redis.call("EXISTS", KEYS[1]) == 1 then return 0 end
redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
redis.call("ZREM", KEYS[2], ARGV[4])
redis.call("ZREM", KEYS[3], ARGV[4])
return taken()`)

var leaveScript = redis.NewScript(`
redis.call("ZREM", KEYS[1], ARGV[1])
redis.call("ZREM", KEYS[2], ARGV[1])
return 1`)

func (s *Store) roomKeys(release string) (lock, room, beats string) {
	t := releaseTag(release)
	return s.key(t, "lock"), s.key(t, "lockq"), s.key(t, "lockq", "beat")
}

func seat(p queue.Place, token string) string { return fmt.Sprintf("%020d|%s", max(p.Seq, 0), token) }

// AcquireState queues token for the release's lock at its place and
// takes the lock if token is first in the waiting room, take is set and
// nobody holds it. Not taken, it answers ErrLockHeld (ErrLockQueued when
// token is first, so the caller polls it more often) and token keeps its
// seat until it asks again within waitBeat, or calls Leave. Taken, it
// also reads the release's saved state under the lock (nil when there is
// none) and its unsure mark, in the same round trip: Loaded is false when
// that read failed, and the caller reads the state itself (LoadState),
// meeting the error there.
func (s *Store) AcquireState(ctx context.Context, release, token string, ttl time.Duration, p queue.Place, take bool) (queue.Taken, error) {
	lock, room, beats := s.roomKeys(release)
	flag := "0"
	if take {
		flag = "1"
	}
	keys := []string{lock, room, beats, s.key(releaseTag(release), "state"), s.unsureKey(release)}
	v, err := acquireScript.Run(ctx, s.rdb, keys, token, ttl.Milliseconds(), p.At.UnixMilli(), seat(p, token),
		s.now().UnixMilli(), waitBeat.Milliseconds(), flag).Result()
	if err != nil {
		return queue.Taken{}, fmt.Errorf("lock %s: %w", release, err)
	}
	switch v := v.(type) {
	case []any: // taken, with the state read (or not) under the lock
		if len(v) < 3 {
			return queue.Taken{}, nil
		}
		unsure, _ := v[2].(int64)
		switch st := v[1].(type) {
		case nil:
			return queue.Taken{Loaded: true, Unsure: unsure == 1}, nil
		case string:
			return queue.Taken{State: []byte(st), Loaded: true, Unsure: unsure == 1}, nil
		}
		return queue.Taken{}, nil
	case int64:
		switch v {
		case 0:
			return queue.Taken{}, queue.ErrLockQueued
		case 2:
			return queue.Taken{}, ErrLockHeld
		}
	}
	return queue.Taken{}, fmt.Errorf("lock %s: unexpected answer %v", release, v)
}

// unsureKey marks a release whose pass had its save refused (saveScript).
func (s *Store) unsureKey(release string) string { return s.key(releaseTag(release), "unsure") }

// Leave gives up token's seat in the release's waiting room.
func (s *Store) Leave(ctx context.Context, release, token string, p queue.Place) error {
	_, room, beats := s.roomKeys(release)
	if err := leaveScript.Run(ctx, s.rdb, []string{room, beats}, seat(p, token)).Err(); err != nil {
		return fmt.Errorf("leave the lock queue of %s: %w", release, err)
	}
	return nil
}

func (s *Store) held(release, token string, ttl time.Duration) *Lock {
	return &Lock{s: s, key: s.key(releaseTag(release), "lock"), token: token, ttl: ttl}
}

// Extend renews the lock token holds.
func (s *Store) Extend(ctx context.Context, release, token string, ttl time.Duration) error {
	return s.held(release, token, ttl).Renew(ctx)
}

// Release frees the lock token holds, never another holder's.
func (s *Store) Release(ctx context.Context, release, token string) error {
	return s.held(release, token, 0).Unlock(ctx)
}

// Lease takes name for ttl unless someone holds it; it expires, never
// released, so the holder has it for one period (a probe interval).
func (s *Store) Lease(ctx context.Context, name string, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.key("lease", name), "1", ttl).Result()
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, err)
	}
	return ok, nil
}

// LoadState returns the saved JSON state of a release, or nil.
func (s *Store) LoadState(ctx context.Context, release string) ([]byte, error) {
	b, err := s.rdb.Get(ctx, s.key(releaseTag(release), "state")).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load state %s: %w", release, err)
	}
	return b, nil
}

// SaveState stores a release's state and indexes it as open or not, in
// one round trip: the SET and the index's SADD or SREM are pipelined, not
// wrapped in MULTI/EXEC (one command needs none, and in a cluster the two
// keys live in different slots). A failed index change is an error, and
// the caller's retry saves both again.
func (s *Store) SaveState(ctx context.Context, release string, state []byte, open bool) error {
	pipe := s.rdb.Pipeline()
	set := pipe.SetArgs(ctx, s.key(releaseTag(release), "state"), state, redis.SetArgs{KeepTTL: true}) // an expiry set by retention.go stays
	idx := s.key("releases")
	var index *redis.IntCmd
	if open {
		index = pipe.SAdd(ctx, idx, release)
	} else {
		index = pipe.SRem(ctx, idx, release)
	}
	_, _ = pipe.Exec(ctx) // each command's own error is read below
	if err := set.Err(); err != nil {
		return fmt.Errorf("save state %s: %w", release, err)
	}
	if err := index.Err(); err != nil {
		return fmt.Errorf("index release %s: %w", release, err)
	}
	return nil
}

// Releases lists the releases indexed as open.
func (s *Store) Releases(ctx context.Context) ([]string, error) {
	return s.rdb.SMembers(ctx, s.key("releases")).Result()
}

// CacheGet reads a cached value; ok is false on a miss.
func (s *Store) CacheGet(ctx context.Context, key string) (val []byte, ok bool, err error) {
	b, err := s.rdb.Get(ctx, s.key("cache", key)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// CacheSet stores a value for ttl.
func (s *Store) CacheSet(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	return s.rdb.Set(ctx, s.key("cache", key), val, ttl).Err()
}

// CacheDel removes cached values.
func (s *Store) CacheDel(ctx context.Context, keys ...string) error {
	// One DEL per key: in Redis Cluster the keys may live in different slots.
	for _, k := range keys {
		if err := s.rdb.Del(ctx, s.key("cache", k)).Err(); err != nil {
			return err
		}
	}
	return nil
}
