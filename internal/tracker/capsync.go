package tracker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
)

// capSyncs is the bounded pool that runs the syncs a steady stream of
// events made due at their release's coalescing cap (issue #18). The
// worker that applied the event hands the sync over and goes back to the
// queue; the pool's sync takes the release's lock first in its line,
// ahead of the stream's events waiting there, so it cannot lose the lock
// to them the way the flusher did. A release is owed at most one pool
// sync at a time: a later event at the cap only renews the mark it will
// clear. When every slot is busy, the worker syncs inline, under the lock
// it holds, as before: a full pool slows the stream down, never drops a
// write.
type capSyncs struct {
	slots chan struct{}
	mu    sync.Mutex
	// owed are the releases handed over and not yet under the pool's
	// lock, with the latest mark to clear once synced.
	owed map[string]queue.Dirty
	// stopped says StopCapSyncs was called: nothing more is handed over.
	stopped bool
	wg      sync.WaitGroup
	ctx     context.Context
	cancel  context.CancelFunc
}

// DefaultCapSyncs is the pool's size unless Options.CapSyncs says.
const DefaultCapSyncs = 2

func newCapSyncs(n int) *capSyncs {
	ctx, cancel := context.WithCancel(context.Background())
	return &capSyncs{slots: make(chan struct{}, n), owed: map[string]queue.Dirty{}, ctx: ctx, cancel: cancel}
}

// capLead is the place a cap sync asks for in a release's lock line: the
// earliest there is, so it is the next to take the lock. It applies no
// event, so no event's order is changed by it.
var capLead = Place{}

// handOverCap hands release k's sync, due at its cap with mark d, to the
// pool. It reports false when the pool is full: the caller syncs inline.
func (tr *Tracker) handOverCap(k release.Key, d queue.Dirty) bool {
	p := tr.caps
	name := k.String()
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return false
	}
	if _, owed := p.owed[name]; owed {
		p.owed[name] = d // the sync on its way clears the newer mark
		p.mu.Unlock()
		return true
	}
	select {
	case p.slots <- struct{}{}:
	default:
		p.mu.Unlock()
		return false
	}
	p.owed[name] = d
	p.wg.Add(1)
	p.mu.Unlock()
	go tr.capSync(k)
	return true
}

// capSync runs in the pool: it takes k's lock first in line, syncs the
// release as it stands then, and clears the mark. A failure leaves the
// mark, and the flusher retries the sync with its backoff; so does a sync
// that could not get the lock (its holder ran past lockWait).
func (tr *Tracker) capSync(k release.Key) {
	p := tr.caps
	name := k.String()
	defer p.wg.Done()
	defer func() { <-p.slots }()
	locked := false
	err := Recover(func() error { // Acquire, Leave and logging included
		return tr.withLockAt(p.ctx, name, capLead, time.Time{}, func(ctx context.Context) error {
			locked = true
			p.mu.Lock()
			d := p.owed[name]
			delete(p.owed, name) // a later event hands over a new sync
			p.mu.Unlock()
			if err := tr.Sync(ctx, k); err != nil {
				return err
			}
			_, err := tr.o.Marks.ClearDirty(ctx, d)
			return err
		})
	})
	if !locked {
		p.mu.Lock()
		delete(p.owed, name)
		p.mu.Unlock()
	}
	tr.capSynced(name, locked, err)
}

// capSynced counts and logs a cap sync's outcome, and keeps the
// release's backoff: locked says the sync took the lock (tried).
func (tr *Tracker) capSynced(name string, locked bool, err error) {
	var pe *PanicError
	switch {
	case errors.As(err, &pe):
		tr.o.Metrics.Panics.WithLabelValues("sync").Inc()
		tr.o.Log.Error("panic while syncing a release at its cap", "release", name, "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
		tr.backoff.failed(name, tr.o.Monotonic(), tr.o.SyncBackoff)
	case !locked:
		// Never tried (the lock stayed held, or the pool was stopped):
		// the mark stays for the flusher or the next event at the cap.
		tr.o.Log.Debug("cap sync gave way", "release", name, "err", err)
	case err != nil:
		tr.o.Metrics.Syncs.WithLabelValues("error").Inc()
		tr.o.Log.Warn("sync at the coalescing cap", "release", name, "err", err)
		tr.backoff.failed(name, tr.o.Monotonic(), tr.o.SyncBackoff)
	default:
		tr.o.Metrics.Syncs.WithLabelValues("ok").Inc()
		tr.backoff.ok(name)
	}
}

// capSyncInline is the pool's sync made by the event's own worker, when
// the pool is full (or stopped) and the event's lock went with its commit
// (commit's unlock): it takes the lock again first in line, syncs and
// clears mark d. A full pool so slows the stream down, as a sync under
// the event's lock did; a failure leaves the mark for the flusher.
func (tr *Tracker) capSyncInline(ctx context.Context, k release.Key, d queue.Dirty) {
	name := k.String()
	locked := false
	err := tr.withLockAt(ctx, name, capLead, time.Time{}, func(ctx context.Context) error {
		locked = true
		if err := tr.Sync(ctx, k); err != nil {
			return err
		}
		_, err := tr.o.Marks.ClearDirty(ctx, d)
		return err
	})
	tr.capSynced(name, locked, err)
}

// StopCapSyncs waits for the cap syncs handed over to finish, for at most
// grace; past it they are cancelled (their marks stay, for the flusher of
// this replica or another) and waited for. The worker calls it when it
// stops; from then on a sync at the cap is made inline.
func (tr *Tracker) StopCapSyncs(grace time.Duration) {
	p := tr.caps
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		p.cancel()
		<-done
	}
}
