package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ag06mixer/golive/internal/redeliver"
)

var _ redeliver.Store = (*Store)(nil)

// The redelivery sweeper's keys share the {rd} slot.
func (s *Store) leaseKey(name string) string { return s.key("{rd}", "lease", name) }
func (s *Store) askedKey(guid string) string { return s.key("{rd}", "asked", guid) }
func (s *Store) markKey() string             { return s.key("{rd}", "mark") }

// TakeLease sets the lease to token for ttl unless someone holds it.
func (s *Store) TakeLease(ctx context.Context, name, token string, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.leaseKey(name), token, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, err)
	}
	return ok, nil
}

// RenewLease extends the lease if token still holds it (compare and
// PEXPIRE in one script).
func (s *Store) RenewLease(ctx context.Context, name, token string, ttl time.Duration) (bool, error) {
	n, err := renewScript.Run(ctx, s.rdb, []string{s.leaseKey(name)}, token, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("renew lease %s: %w", name, err)
	}
	return n == 1, nil
}

// DropLease frees the lease if token holds it, never another holder's.
func (s *Store) DropLease(ctx context.Context, name, token string) error {
	if err := unlockScript.Run(ctx, s.rdb, []string{s.leaseKey(name)}, token).Err(); err != nil {
		return fmt.Errorf("drop lease %s: %w", name, err)
	}
	return nil
}

// Asked reports which GUIDs the sweeper asked GitHub to redeliver.
func (s *Store) Asked(ctx context.Context, guids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(guids) == 0 {
		return out, nil
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.IntCmd, len(guids))
	for i, g := range guids {
		cmds[i] = pipe.Exists(ctx, s.askedKey(g))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("read asked redeliveries: %w", err)
	}
	for i, g := range guids {
		if cmds[i].Val() > 0 {
			out[g] = true
		}
	}
	return out, nil
}

// MarkAsked records guid as asked for (SET NX), false if it already was.
func (s *Store) MarkAsked(ctx context.Context, guid string, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.askedKey(guid), "1", ttl).Result()
	if err != nil {
		return false, fmt.Errorf("record redelivery of %s: %w", guid, err)
	}
	return ok, nil
}

// UnmarkAsked forgets guid, so the next sweep asks for it again.
func (s *Store) UnmarkAsked(ctx context.Context, guid string) error {
	if err := s.rdb.Del(ctx, s.askedKey(guid)).Err(); err != nil {
		return fmt.Errorf("forget redelivery of %s: %w", guid, err)
	}
	return nil
}

// SweepMark is when the last clean sweep started, or zero.
func (s *Store) SweepMark(ctx context.Context) (time.Time, error) {
	v, err := s.rdb.Get(ctx, s.markKey()).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read the redelivery mark: %w", err)
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, nil // unreadable: sweep the whole window
	}
	return time.UnixMilli(ms), nil
}

// SetSweepMark records a clean sweep's start. It expires with the window:
// a mark older than that bounds nothing.
func (s *Store) SetSweepMark(ctx context.Context, at time.Time) error {
	if err := s.rdb.Set(ctx, s.markKey(), at.UnixMilli(), redeliver.AskedTTL).Err(); err != nil {
		return fmt.Errorf("save the redelivery mark: %w", err)
	}
	return nil
}
