package tracker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
)

// flushBatch is how many due releases one Flush syncs at most.
const flushBatch = 32

// maxBackedOff bounds the releases in backoff one Flush reads past.
const maxBackedOff = 1024

// DefaultFlushSyncs is how many syncs Flush runs at once unless
// Options.FlushSyncs says.
const DefaultFlushSyncs = 4

// Flush syncs the releases whose quiet window has passed, earliest due
// first, Options.FlushSyncs at a time. It returns how many it synced.
func (tr *Tracker) Flush(ctx context.Context) (int, error) {
	return tr.FlushWith(ctx, tr.o.FlushSyncs)
}

// FlushWith is Flush running at most parallel syncs at once (at least
// one). A sync spends most of its time waiting: on Redis, on GitHub's
// reads, and in the installation's write lane, where GitHub's writes go
// one at a time (githubapi.RateLimited). One at a time, the flusher kept
// that lane idle three quarters of the time while a thousand releases
// opened together waited for their first write (golive-load, 2026-12-03:
// the last opening written 11 s after the first); several at once keep a
// write in the lane while the next one reads and renders. It returns when
// all of them are done. Once ctx ends it starts no more; a sync cut short
// by it leaves its mark, for this replica's next flush or another's.
func (tr *Tracker) FlushWith(ctx context.Context, parallel int) (int, error) {
	// The releases whose last sync failed stay due, earliest first, while
	// they wait out their backoff: asked for on top of the batch, they do
	// not take its places from the releases behind them (32 failing ones
	// held every other release's sync back).
	due, err := tr.o.Marks.DueDirty(ctx, tr.o.Clock(), flushBatch+min(tr.backoff.size(tr.o.Monotonic()), maxBackedOff))
	if err != nil {
		return 0, err
	}
	var (
		n     atomic.Int64
		wg    sync.WaitGroup
		slots = make(chan struct{}, max(parallel, 1))
		taken int
	)
	for _, d := range due {
		if !tr.backoff.ready(d.Release, tr.o.Monotonic()) {
			continue
		}
		if taken == flushBatch {
			break
		}
		taken++
		k, err := release.ParseKey(d.Release)
		if err != nil {
			tr.o.Marks.ClearDirty(ctx, d)
			continue
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil { // a free slot and the end both ready: the end
			wg.Wait()
			return int(n.Load()), ctx.Err()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			// Off the tick's goroutine, whose loop recovers a panic: the
			// lock's calls and the logging must not take the process
			// down, as capSync's do not.
			err := Recover(func() error {
				if tr.flushOne(ctx, k, d) {
					n.Add(1)
				}
				return nil
			})
			if err != nil {
				tr.o.Metrics.Panics.WithLabelValues("sync").Inc()
				tr.o.Log.Error("panic while flushing a release", "release", d.Release, "err", err)
			}
		}()
	}
	wg.Wait()
	return int(n.Load()), nil
}

// flushOne syncs one due release and clears its mark; it reports whether
// the sync was made.
func (tr *Tracker) flushOne(ctx context.Context, k release.Key, d queue.Dirty) bool {
	// The mark is cleared under the lock it was synced under: after the
	// lock is let go, an event may mark the release again, and a mark
	// counter started over (a clear by another replica or the cap pool
	// resets it) could give it this mark's generation, which a clear then
	// would take for this one, losing the event's write.
	err := tr.withLock(ctx, d.Release, func(ctx context.Context) error {
		if err := tr.Sync(ctx, k); err != nil {
			return err
		}
		_, err := tr.o.Marks.ClearDirty(ctx, d)
		return err
	})
	if errors.Is(err, ErrLockHeld) {
		return false // its holder marks it again or syncs it
	}
	if err != nil && ctx.Err() != nil {
		return false // stopping: the mark stays, and no backoff is owed
	}
	var pe *PanicError
	if errors.As(err, &pe) {
		tr.o.Metrics.Panics.WithLabelValues("sync").Inc()
		tr.o.Log.Error("panic while syncing a release", "release", d.Release, "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
	}
	if err != nil {
		tr.o.Metrics.Syncs.WithLabelValues("error").Inc()
		tr.o.Log.Error("sync", "release", d.Release, "err", err)
		tr.backoff.failed(d.Release, tr.o.Monotonic(), tr.o.SyncBackoff)
		return false
	}
	tr.backoff.ok(d.Release)
	tr.o.Metrics.Syncs.WithLabelValues("ok").Inc()
	return true
}
