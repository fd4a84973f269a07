package tracker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// change is what one pass over a release decided, for commit to carry
// out: the effects release.Apply gave, and a gate's answer.
type change struct {
	// id names the pass (a delivery id); owed writes are named after it.
	id string
	// eff are the core's effects.
	eff []release.Effect
	// mergeSHA is indexed beside the head, so a deployment of the merge
	// commit finds the release.
	mergeSHA string
	// by names who asked, for a refresh's reason.
	by string
	// now syncs at once, whatever the coalescing window (a reconcile).
	now bool
	// received is when the delivery applied reached golive (zero: not a
	// delivery); a release not written yet counts its sync mark's cap
	// from then (markSince).
	received time.Time
	// gate is a gate's answer, written after the state is saved.
	gate *gateAnswer
	// opening says the pass was a comment whose commands can only open
	// the gate (release.OpensOnly): its reactions go out at once and its
	// sync is coalesced like any other, the gate staying closed meanwhile.
	opening bool
	// last says the caller does nothing more under the lock after the
	// commit (an event's pass): when the commit leaves nothing to do
	// under it either, the lock goes with the commit's round trip.
	last bool
}

// commit is the one executor of a release's changes, under its lock: the
// record is saved first (replies and reactions in its outbox), with the
// index entries that changed and, when the sync is coalesced, the sync
// mark, all in one round trip; then a refresh is queued, a gate's answer
// given (its receipt before it), and the GitHub objects synced at once
// when a reply, a close or the caller needs the issue now. Events,
// reconciles, probe results and gates all end here.
func (tr *Tracker) commit(ctx context.Context, gh GitHub, rc repoConfig, rec *record, c change) error {
	k := rec.State.Key
	sync, closeReason, refresh := false, "", false
	for i, e := range c.eff {
		id := fmt.Sprintf("%s/%d", c.id, i)
		switch e.Kind {
		case release.EffSync:
			sync = true
		case release.EffReply:
			rec.Outbox = append(rec.Outbox, owed{ID: id, Kind: "reply", Target: e.Target, Body: e.Body})
		case release.EffReact:
			rec.Outbox = append(rec.Outbox, owed{ID: id, Kind: "react", CommentID: e.CommentID, Reaction: e.Reaction})
		case release.EffCloseIssue:
			closeReason = e.Reason
		case release.EffRefresh:
			refresh = true
		}
	}
	owed := len(rec.Outbox) > 0 && !(c.opening && reactionsOnly(rec.Outbox))
	syncNow := closeReason != "" || owed || (sync && (c.now || tr.o.Coalesce == 0))
	// Nothing to do under the lock after the commit: no refresh to queue,
	// no gate to answer, no sync now, nothing to post. (A sync that falls
	// due at the cap goes to the cap pool, which takes the lock itself.)
	unlock := c.last && !refresh && c.gate == nil && !syncNow && len(rec.Outbox) == 0
	// The save, the index entries that changed, the sync mark and, when
	// nothing follows, the unlock go in one round trip (record.go).
	d, due, unlocked, err := tr.commitWrite(ctx, rec, c.mergeSHA, sync && !syncNow, unlock, c.received)
	if err != nil {
		return err
	}
	if refresh {
		if err := tr.RequestRefresh(ctx, k, rec.State.Installation, "refresh-"+c.id, "asked by "+c.by, true); err != nil {
			return err
		}
	}
	if c.gate != nil {
		if err := tr.answer(ctx, gh, rc, k, rec, *c.gate); err != nil {
			return err
		}
	}
	if syncNow {
		// Replies and closing need the issue now; they are rare. So do
		// the reactions to a command that may close the gate.
		if err := tr.syncLocked(ctx, gh, rc, rec); err != nil {
			// The retry finds the delivery applied and marks the sync
			// owed; mark it now too, in case the retry never comes.
			tr.markDirty(ctx, rec.State, c.received)
			return err
		}
		if closeReason != "" {
			if err := tr.closeIssue(ctx, gh, rec, closeReason); err != nil {
				return err
			}
		}
		return tr.finishOrOwe(ctx, gh, rec, c.received)
	}
	if !sync {
		return tr.finishOrOwe(ctx, gh, rec, c.received) // the reactions owed, if any
	}
	if due.After(tr.o.Clock()) || !tr.backoff.ready(k.String(), tr.o.Monotonic()) {
		// Not due; or due, but its last sync failed and GitHub gets its
		// pause first: the mark stays for the flusher, which keeps the
		// backoff.
		return tr.finishOrOwe(ctx, gh, rec, c.received) // the reactions owed, if any
	}
	// The cap has passed under a steady stream of events. The sync goes
	// to the cap pool, which takes the lock next, ahead of the stream
	// (capsync.go); the flusher, asking at the present moment, could lose
	// the lock to the stream every time (seen with golive-load,
	// 2026-11-27: a release's first write came only when its events
	// stopped).
	if tr.handOverCap(k, d) {
		return tr.finishOrOwe(ctx, gh, rec, c.received) // the reactions owed, if any
	}
	if unlocked {
		// The pool is full and the lock went with the commit: the sync is
		// made here, as the pool would make it.
		tr.capSyncInline(ctx, k, d)
		return nil
	}
	// The pool is full: sync here, holding the lock.
	if err := tr.syncLocked(ctx, gh, rc, rec); err != nil {
		// The change is applied; the mark stays and the flusher retries
		// the sync with its backoff.
		tr.o.Metrics.Syncs.WithLabelValues("error").Inc()
		tr.o.Log.Warn("sync at the coalescing cap", "release", k.String(), "err", err)
		tr.backoff.failed(k.String(), tr.o.Monotonic(), tr.o.SyncBackoff)
		return nil
	}
	tr.o.Metrics.Syncs.WithLabelValues("ok").Inc()
	tr.backoff.ok(k.String())
	if _, err := tr.o.Marks.ClearDirty(ctx, d); err != nil {
		return err
	}
	return tr.finishOrOwe(ctx, gh, rec, c.received)
}

// finishOrOwe posts the replies and reactions owed after a change is
// saved. When GitHub does not take one now, the release is marked owed a
// sync, whose flush posts them (Sync ends in finish, with the flusher's
// backoff), and the pass is done: its change is saved, and so is the
// outbox. Failing the delivery instead tied it to a write it does not
// own: an owed reaction refused by a 502 failed each later event of the
// release in turn, and one was dead-lettered when its retries outlasted
// the budget (the faults scenario in CI, 2026-12-03).
func (tr *Tracker) finishOrOwe(ctx context.Context, gh GitHub, rec *record, received time.Time) error {
	err := tr.finish(ctx, gh, rec.State.Key, rec)
	if err == nil || ctx.Err() != nil || errors.Is(err, ErrLockLost) {
		return err // stopping, or the lock lost: the delivery is retried
	}
	if merr := tr.markDirty(ctx, rec.State, received); merr != nil {
		return errors.Join(err, merr)
	}
	tr.o.Log.Warn("replies or reactions not posted; the release's next sync posts them", "release", rec.State.Key.String(), "owed", len(rec.Outbox), "err", err)
	return nil
}

// markDirty marks release s owed a sync on its own, outside a commit: with
// the coalescing window, its cap, and a cap counted as markSince says for
// a change received then (zero: from now).
func (tr *Tracker) markDirty(ctx context.Context, s *release.State, received time.Time) error {
	now := tr.o.Clock()
	_, _, err := tr.o.Marks.MarkDirty(ctx, s.Key.String(), now, tr.o.Coalesce, tr.capOf(s.Key.String()), tr.markSince(s, received, now))
	return err
}

// markSince is when the sync mark of release s counts its cap from, for
// a change received then. A release golive has not written yet (no
// tracking issue) counts from the arrival: its first write is what people
// wait for, and it should not wait in the queue behind a backlog and then
// a whole cap more (golive-load, 2026-12-03: a thousand releases opened
// together had their openings applied up to 3.5 s late, and each waited
// a cap after that). Never from more than half a cap before now, so even
// then the release coalesces for half its cap. A release already written
// counts from now, the apply: under a backlog its updates keep their
// whole cap, and a flood's drain makes no more writes for it (counted
// from arrival too, the flood's writes per release rose by half to four
// fifths, 2026-12-03 ~13:50). Zero: from now.
func (tr *Tracker) markSince(s *release.State, received, now time.Time) time.Time {
	if received.IsZero() || s.Issue != 0 {
		return time.Time{}
	}
	if floor := now.Add(-tr.capOf(s.Key.String()) / 2); received.Before(floor) {
		return floor
	}
	return received
}

// reactionsOnly reports whether the outbox owes nothing but reactions,
// which need no tracking issue.
func reactionsOnly(out []owed) bool {
	for _, o := range out {
		if o.Kind != "react" {
			return false
		}
	}
	return true
}
