package tracker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/webhook"
)

// Place is where a wish for a release's lock stands in line (queue.Place).
type Place = queue.Place

// The lock errors (queue's).
var (
	ErrLockHeld   = queue.ErrLockHeld
	ErrLockLost   = queue.ErrLockLost
	ErrLockQueued = queue.ErrLockQueued
)

// placeOf is the place of a webhook event in its release's line.
func placeOf(p webhook.Parsed) Place {
	pl := Place{At: p.Event.At}
	if p.Event.Kind == release.EvComment && p.Event.Comment != nil {
		pl.Seq = p.Event.Comment.ID
	}
	return pl
}

// lockWait bounds how long a worker waits in line before the entry is
// retried instead; first-in-line and other waiters poll at these periods.
const (
	lockWait  = 5 * time.Second
	headPoll  = 2 * time.Millisecond
	otherPoll = 5 * time.Millisecond
)

// withLock runs fn holding the release's lock, standing in line at the
// present moment.
func (tr *Tracker) withLock(ctx context.Context, name string, fn func(context.Context) error) error {
	return tr.withLockAt(ctx, name, Place{At: tr.o.Monotonic()}, time.Time{}, fn)
}

// withLockAt runs fn holding the release's lock, renewing it while fn
// runs. It waits in the release's line (a sorted set in Redis shared by
// every replica) at place, so a release's events are applied in the order
// GitHub made them, whatever order the workers took them in; past
// lockWait the entry is retried.
//
// received is when the event reached golive: the first in line does not
// take the lock before OrderWindow has passed since, so that events made
// together and delivered a little out of order all find their seats
// first. Work that carries no event (zero received) takes it at once.
func (tr *Tracker) withLockAt(ctx context.Context, name string, place Place, received time.Time, fn func(context.Context) error) error {
	token := tr.o.Consumer + "-" + randomHex(6)
	leave := func() {
		if err := tr.o.Locks.Leave(context.WithoutCancel(ctx), name, token, place); err != nil {
			tr.o.Log.Warn("leave the lock line", "release", name, "err", err)
		}
	}
	deadline := tr.o.Monotonic().Add(lockWait)
	h := &held{name: name, token: token}
	for {
		take := received.IsZero() || tr.o.Monotonic().Sub(received) >= tr.o.OrderWindow
		got, err := tr.o.Locks.AcquireState(ctx, name, token, tr.o.LockTTL, place, take)
		if err == nil {
			h.raw, h.loaded, h.unsure = got.State, got.Loaded, got.Unsure
			break
		}
		if !errors.Is(err, ErrLockHeld) {
			leave()
			return err
		}
		if tr.o.Monotonic().After(deadline) {
			leave()
			return err
		}
		poll := otherPoll
		if errors.Is(err, ErrLockQueued) {
			poll = headPoll
		}
		sleep(ctx, poll)
		if ctx.Err() != nil {
			leave()
			return ctx.Err()
		}
	}
	fctx, cancel := context.WithCancel(context.WithValue(ctx, heldKey{}, h))
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(tr.o.LockTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-fctx.Done():
				return
			case <-t.C:
				if err := tr.o.Locks.Extend(fctx, name, token, tr.o.LockTTL); err != nil && fctx.Err() == nil {
					if h.handing.Load() {
						return // the lock went, or goes, with the pass's commit
					}
					tr.o.Log.Error("lock lost; abandoning the work", "release", name, "err", err)
					cancel()
					return
				}
			}
		}
	}()
	// A panic in fn must not leave the lock renewed forever.
	err := Recover(func() error { return fn(fctx) })
	cancel()
	<-renewed
	if h.released.Load() {
		return err // released with the pass's commit (commitWrite)
	}
	if rerr := tr.o.Locks.Release(context.WithoutCancel(ctx), name, token); rerr != nil && err == nil {
		if errors.Is(rerr, ErrLockLost) {
			return fmt.Errorf("%s: lock expired while working: %w", name, rerr)
		}
		return rerr
	}
	return err
}
