package redisstore

import (
	"context"
	"fmt"
	"time"
)

// Idle reports whether golive has nothing left to do: no delivery queued,
// delayed or in a worker's hands, and no release owed a sync. When it is
// not, left says what remains.
func (s *Store) Idle(ctx context.Context) (idle bool, left string, err error) {
	q, err := s.Stats(ctx)
	if err != nil {
		return false, "", err
	}
	dirty, err := s.DirtyCount(ctx)
	if err != nil {
		return false, "", err
	}
	if q.Depth == 0 && q.Delayed == 0 && q.Pending == 0 && dirty == 0 {
		return true, "", nil
	}
	return false, fmt.Sprintf("%d queued, %d delayed, %d in hand, %d dead-lettered; %d releases owed a sync", q.Depth, q.Delayed, q.Pending, q.Dead, dirty), nil
}

// WaitIdle waits until Idle holds, looking every poll, for at most max.
// It is the one "wait until golive is done" of the demo, the load program
// and the tests.
func (s *Store) WaitIdle(ctx context.Context, max, poll time.Duration) error {
	deadline := time.Now().Add(max)
	for {
		idle, left, err := s.Idle(ctx)
		if err != nil {
			return err
		}
		if idle {
			return nil
		}
		if !time.Now().Before(deadline) {
			return fmt.Errorf("golive did not settle within %v: %s", max, left)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
	}
}
