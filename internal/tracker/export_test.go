package tracker

import (
	"context"
	"fmt"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// WaitCapSyncs waits for the cap syncs handed over so far to end.
func (tr *Tracker) WaitCapSyncs() { tr.caps.wg.Wait() }

// CapSyncsOwed is how many releases the cap pool still owes a sync.
func (tr *Tracker) CapSyncsOwed() int {
	tr.caps.mu.Lock()
	defer tr.caps.mu.Unlock()
	return len(tr.caps.owed)
}

// BackOff puts release name in the sync backoff, as a failed sync does,
// for the longest pause (a minute).
func (tr *Tracker) BackOff(name string) {
	tr.backoff.failed(name, tr.o.Monotonic(), time.Hour)
}

// UnderLock runs fn holding k's lock, as every pass over a release does;
// Load and Save are the record's read and save in it.
func (tr *Tracker) UnderLock(ctx context.Context, k release.Key, fn func(ctx context.Context) error) error {
	return tr.withLock(ctx, k.String(), fn)
}

// LoadState reads k's saved state as a pass does (nil: none).
func (tr *Tracker) LoadState(ctx context.Context, k release.Key) (*release.State, error) {
	rec, err := tr.load(ctx, k)
	if err != nil || rec == nil {
		return nil, err
	}
	return rec.State, nil
}

// SaveState saves s as a pass does.
func (tr *Tracker) SaveState(ctx context.Context, s *release.State) error {
	rec, err := tr.load(context.Background(), s.Key)
	if err != nil || rec == nil {
		return fmt.Errorf("no record of %s to save into: %v", s.Key, err)
	}
	rec.State = s
	return tr.save(ctx, rec)
}
