package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/ag06mixer/golive/internal/tracker"
)

// Retry defaults: the first retry waits up to 1 s, each later one up to
// twice as long, never more than 5 minutes, and a delivery is retried for
// an hour from its first try before it goes to the dead letters.
const (
	DefaultRetryBase   = time.Second
	DefaultRetryCap    = 5 * time.Minute
	DefaultRetryBudget = time.Hour
)

// retryPolicy is the schedule of a failing delivery's retries.
type retryPolicy struct {
	// Base is the ceiling of the first delay; the ceiling doubles with
	// each attempt up to Cap.
	Base, Cap time.Duration
	// Budget is how long after its first try a delivery is still retried.
	Budget time.Duration
}

// next says when a delivery that failed at attempt (counted from 1) is
// tried again, or that it is not (give up: its budget is spent). It is
// pure: first is the delivery's first try, now the clock, rnd a number in
// [0, 1).
//
// The delay is "full jitter" (AWS Architecture Blog, "Exponential Backoff
// And Jitter", 2015): uniform in [0, min(Cap, Base·2^(attempt-1))), so the
// retries of a burst that failed together spread out instead of coming
// back together. A delay that would end past the budget is cut to end on
// it, so the last try happens when the budget runs out, and a failure
// then gives up.
func (p retryPolicy) next(first time.Time, attempt int, now time.Time, rnd float64) (time.Duration, bool) {
	left := first.Add(p.Budget).Sub(now)
	if left <= 0 {
		return 0, false
	}
	ceiling := p.Cap
	if shift := max(attempt-1, 0); shift < 40 {
		ceiling = min(p.Base<<shift, p.Cap)
	}
	if ceiling <= 0 {
		ceiling = p.Cap
	}
	rnd = min(max(rnd, 0), 1)
	d := time.Duration(rnd * float64(ceiling))
	return min(d, left), true
}

// jitter is the worker's source of randomness for retry delays.
func jitter() float64 { return rand.Float64() }

// lockHeldWait is the pause before a delivery whose release another
// worker holds is tried again.
const lockHeldWait = 200 * time.Millisecond

// settleFailure decides what becomes of a delivery that failed: dead-lettered at
// once (a malformed payload, a panic), parked while its installation's
// breaker is open, retried after a jittered delay while its budget lasts,
// or dead-lettered when the budget is spent. It returns the outcome.
func (w *Worker) settleFailure(ctx context.Context, d Delivery, err error, panicked bool, log *slog.Logger) string {
	now := w.o.Clock()
	if errors.Is(err, tracker.ErrPermanent) || panicked {
		return w.dead(ctx, d, err, log)
	}
	if inst := installationOf(d); inst != 0 {
		kind := neutral
		switch {
		case outage(err, w.o.HTTPStatus):
			kind = failedOutage
		case w.o.HTTPStatus != nil && w.o.HTTPStatus(err) > 0:
			kind = answered
		}
		closed, open := w.breaker.record(inst, now, kind)
		if closed {
			w.requeueDead(ctx, log)
		}
		if open && kind == failedOutage {
			return w.park(ctx, d, now.Add(w.breaker.wait(inst, now)), err, log)
		}
	}
	first := d.First
	if first.IsZero() {
		first = now
	}
	delay, ok := w.retry.next(first, d.Attempt, now, jitter())
	if !ok {
		return w.dead(ctx, d, fmt.Errorf("retried for %s since %s: %w", w.retry.Budget, first.UTC().Format(time.RFC3339), err), log)
	}
	if errors.Is(err, ErrLockHeld) {
		// Waiting for another worker is no failed try: the attempt is not
		// counted, so a later failure's delay does not start out long.
		delay = lockHeldWait
		d.Attempt--
	}
	d.First = first
	log.Warn("will retry", "err", err, "in", delay)
	if rerr := w.o.Store.Retry(ctx, d, now.Add(delay), err); rerr != nil {
		log.Error("schedule retry", "err", rerr)
	}
	return "retried"
}

func (w *Worker) dead(ctx context.Context, d Delivery, err error, log *slog.Logger) string {
	log.Error("dead-lettered", "err", err)
	if derr := w.o.Store.DeadLetter(ctx, d, err); derr != nil {
		log.Error("dead-letter", "err", derr)
	}
	return "dead"
}
