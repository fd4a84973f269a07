package tracker

import (
	"context"
	"sync/atomic"
)

// held is a release's lock as a pass holds it (withLockAt), in the pass's
// context, so that the pass's first read and last write share the lock's
// round trips (issue #18: an event took five round trips to Redis, the
// lock's two among them), and that every save under it is fenced:
//
//   - the record the lock handed over, read under it in the lock's own
//     round trip (Locks.AcquireState): the first load of the release
//     takes it instead of asking Redis again, and a save before that
//     load discards it, since it is stale then;
//   - the token, with which every save of the release is fenced
//     (queue.Commit.Token), and the unlock, sent with the pass's commit
//     when nothing is left to do under the lock after it (commitWrite's
//     unlock; tracker.commit says when): the pass then makes no Release of
//     its own.
type held struct {
	name, token string
	// raw is the record read with the lock (nil: none saved), when
	// loaded; spent once taken or stale.
	raw    []byte
	loaded bool
	spent  atomic.Bool
	// unsure says the release is marked unsure (queue.Taken): the first
	// load forgets what the record says golive last wrote to the check
	// run and the PR comment, and sets forgot, so that the pass's save
	// marks a sync owed and clears the mark.
	unsure bool
	forgot atomic.Bool
	// handing says the unlock went with a commit: the renewal stops
	// without calling the lock lost. released says the commit's answer
	// came back, so the lock is no longer the pass's to release.
	handing, released atomic.Bool
}

type heldKey struct{}

// heldOf is the lock on release name the pass holds, or nil.
func heldOf(ctx context.Context, name string) *held {
	h, _ := ctx.Value(heldKey{}).(*held)
	if h == nil || h.name != name {
		return nil
	}
	return h
}

// takePreloaded returns the record read with name's lock, once, and
// never after a save (which calls it to discard it); unsure says the
// release was marked unsure.
func takePreloaded(ctx context.Context, name string) (raw []byte, unsure, ok bool) {
	h := heldOf(ctx, name)
	if h == nil || !h.loaded || h.spent.Swap(true) {
		return nil, false, false
	}
	return h.raw, h.unsure, true
}
