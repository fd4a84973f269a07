// Package queue holds what travels through golive's delivery queue: the
// Delivery, the synthetic events golive queues for itself (refresh, probe
// result, settle, unseen tick), the release lock's place in line and its
// errors, and the small interface a writer of the queue needs. It does no
// I/O: redisstore carries these, server writes them, worker reads them.
package queue

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Delivery is one webhook delivery, or a synthetic event, in the queue.
type Delivery struct {
	// Entry is the stream entry id; set on read.
	Entry string
	// ID is the X-GitHub-Delivery id (or a synthetic id).
	ID      string
	Event   string
	Payload []byte
	// Attempt counts from 1.
	Attempt int
	// Received is when ingest accepted it.
	Received time.Time
	// First is when it was first tried, kept on retries: the retry
	// budget counts from it. Zero before its first failure, and after a
	// requeue or a pause of the circuit breaker.
	First time.Time
	// Error is the last failure, kept on dead letters.
	Error string
}

// Dirty is a release owed a sync, and the generation of its mark when
// read: every mark counts up, so a mark made during a sync survives it.
type Dirty struct {
	Release string
	Gen     int64
}

// Place is where a wish for a release's lock stands in line: the GitHub
// time of the event it carries (a comment's created_at, an edit's
// updated_at, a check's completion), then the comment id, since GitHub's
// times come to the second and its ids only grow. Work of golive's own (a
// sync, a probe, a reconcile) stands at the time it was asked for.
type Place struct {
	At  time.Time
	Seq int64
}

// ErrLockHeld is returned when another worker holds a release's lock.
var ErrLockHeld = errors.New("release lock held by another worker")

// ErrLockLost is returned when a lock expired and was taken by another.
var ErrLockLost = errors.New("release lock lost")

// ErrLockQueued is ErrLockHeld for the waiter first in line: it polls
// more often, so the lock passes on quickly.
var ErrLockQueued = fmt.Errorf("%w; first in line", ErrLockHeld)

// Enqueuer puts deliveries on the queue: at once (a duplicate id is
// dropped and reported), or to be read at due.
type Enqueuer interface {
	Enqueue(ctx context.Context, d Delivery) (dup bool, err error)
	Schedule(ctx context.Context, d Delivery, due time.Time) error
}

// Commit is what one pass over a release writes to the store, in one
// round trip where the store can (redisstore.Store.Commit): the record,
// the index entries that changed, and the sync mark.
type Commit struct {
	Release string
	State   []byte
	// Open is written to the open-release index when WriteOpen is set.
	Open, WriteOpen bool
	// Repo's SHAs (a head, a merge commit) and Refs (a head branch) are
	// indexed as the release's; only those to write now are named.
	Repo       string
	SHAs, Refs []string
	// Mark, when set, marks the release owed a sync at Now, due after
	// Window of quiet but no later than its first mark + MaxWait
	// (MarkDirty). Since is when the change reached golive (zero: Now),
	// the first mark's time when the release has none.
	Mark            bool
	Now, Since      time.Time
	Window, MaxWait time.Duration
	// Token, when set, is the token of the pass's lock on the release:
	// the record is written only while that token holds the lock (a
	// fenced save), so a pass whose lock expired while it worked writes
	// nothing over the next holder's record; Commit answers ErrLockLost
	// then. Unlock, with Token, releases the lock once the record is
	// written (a pass's last write): after no error or ErrLockLost the
	// lock is not the caller's any more; after any other error its fate is
	// unknown, and the caller releases it as usual.
	Token  string
	Unlock bool
	// ClearUnsure, with Token, says the pass saw the release's unsure
	// mark (Taken.Unsure) and acted on it: the save clears it.
	ClearUnsure bool
}

// Taken is what a lock taken with the release's record hands over
// (AcquireState).
type Taken struct {
	// State is the record read under the lock (nil: none saved), when
	// Loaded; not Loaded, the read failed and the caller reads it itself.
	State  []byte
	Loaded bool
	// Unsure says a pass whose lock expired while it worked had its
	// save refused: what it wrote to GitHub before is unknown, so what
	// the record says golive last wrote there is not to be trusted.
	Unsure bool
}
