package tracker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// record is what is kept for a release: the core's state, the replies
// and reactions still owed (an outbox, so a crash never loses one), and
// the deliveries already applied (so a redelivery applies nothing).
type record struct {
	State   *release.State `json:"state"`
	Outbox  []owed         `json:"outbox,omitempty"`
	Applied []string       `json:"applied,omitempty"`
	// Indexed is what the release was last indexed under (commitWrite).
	Indexed *indexed `json:"indexed,omitempty"`

	// searched, set by rebuild, says the tracking issue was looked for
	// under the lock held now and not found: the sync creates it without
	// asking GitHub again. It is never saved.
	searched bool
	// comment, when set, is golive's PR comment (0: none) as the look
	// for the issue read it under the lock held now: the sync writes the
	// comment without reading the PR's comments again. Never saved.
	comment *int64
}

// commentSeen is what a look for the issue settled of golive's PR
// comment: nil when it did not read them all.
func commentSeen(f release.IssueFound) *int64 {
	if !f.CommentKnown {
		return nil
	}
	return &f.Comment
}

// owed is a reply or a reaction golive still has to post.
type owed struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"` // reply, react
	Target    int    `json:"target,omitempty"`
	Body      string `json:"body,omitempty"`
	CommentID int64  `json:"comment_id,omitempty"`
	Reaction  string `json:"reaction,omitempty"`
	// Failing is when GitHub first answered it with an error (Unix
	// seconds; 0 while it has not): one GitHub still refuses
	// outboxPatience later is dropped (finish).
	Failing int64 `json:"failing,omitempty"`
}

// outboxPatience is how long golive keeps trying a reply or reaction
// GitHub keeps refusing (a 5xx, a 403 from a permission the App lacks),
// from its first refusal: as long as a delivery's retries had
// (worker.DefaultRetryBudget). An owed post also makes each later event
// of the release sync at once, so one GitHub will never take must not
// stay owed for good. Counted from the first refusal, not from when it
// was owed: after golive or Redis was down an hour, one 502 drops nothing.
const outboxPatience = time.Hour

// refusedLong reports whether GitHub refused the owed post o with err
// for outboxPatience since its first refusal. Only GitHub's answers
// count: a lost lock or golive stopping (no status) never does, and nor
// does a rate limit (429), which passes.
func (tr *Tracker) refusedLong(ctx context.Context, o owed, err error) bool {
	st := tr.status(err)
	return ctx.Err() == nil && st != 0 && st != 429 && o.Failing != 0 &&
		tr.o.Clock().Sub(time.Unix(o.Failing, 0)) > outboxPatience
}

// refused notes GitHub's first refusal of the outbox's first post, so
// its patience counts from then (refusedLong); the note is saved best
// effort.
func (tr *Tracker) refused(ctx context.Context, rec *record, err error) {
	if st := tr.status(err); rec.Outbox[0].Failing != 0 || ctx.Err() != nil || st == 0 || st == 429 {
		return
	}
	rec.Outbox[0].Failing = tr.o.Clock().Unix()
	if serr := tr.save(ctx, rec); serr != nil {
		tr.o.Log.Warn("save the first refusal of an owed post", "release", rec.State.Key.String(), "err", serr)
	}
}

// committer is a store that writes a commit's record, index entries and
// sync mark in one round trip (redisstore.Store.Commit).
type committer interface {
	Commit(ctx context.Context, c queue.Commit) (queue.Dirty, time.Time, error)
}

// indexed is what a record says golive indexed it under ("sha:" and
// "ref:" entries), and when they were last all written.
type indexed struct {
	Keys []string  `json:"keys"`
	At   time.Time `json:"at"`
}

// IndexRefresh is how long a record's index entries are trusted before a
// commit writes them all again: it keeps their expiry (redisstore's
// IndexTTL) far off while the release lives, and bounds how long an entry
// a failed write lost stays lost (meanwhile a status or deployment of
// that commit finds the release through GitHub's list of the commit's
// pull requests, as after a Redis loss).
const IndexRefresh = time.Hour

// commitWrite saves the record with the index entries that changed since
// the last commit (a head, a merge commit, a branch) and, when mark is
// set, the release's sync mark: in one round trip where the store can,
// else as separate calls. The record says what was indexed (Indexed), so
// an event that changes none of them costs the save and the open index.
// The open index (SADD or SREM, one command) is written every time: it
// is what the sweep and the reconcile walk, and an entry a failed write
// lost there would not come back through any fallback.
//
// unlock sends the release of the pass's lock with the commit (held):
// it reports whether the lock went, with no error or ErrLockLost; after
// any other error the pass releases it as usual.
func (tr *Tracker) commitWrite(ctx context.Context, rec *record, mergeSHA string, mark, unlock bool, received time.Time) (queue.Dirty, time.Time, bool, error) {
	s := rec.State
	k := s.Key
	takePreloaded(ctx, k.String()) // a save, made or tried, leaves it stale
	now := tr.o.Clock()
	want := []string{}
	for _, sha := range []string{s.HeadSHA, mergeSHA} {
		if sha != "" {
			want = append(want, "sha:"+sha)
		}
	}
	if s.HeadRef != "" {
		want = append(want, "ref:"+s.HeadRef)
	}
	prev := rec.Indexed
	// full: the first commit, or the refresh is due; had: the entries
	// trusted as written.
	full := prev == nil || now.Sub(prev.At) >= IndexRefresh || now.Before(prev.At)
	var had []string
	if !full {
		had = prev.Keys
	}
	c := queue.Commit{Release: k.String(), Open: !s.Finished(), WriteOpen: true, Repo: k.FullRepo(),
		Mark: mark, Now: now, Since: tr.markSince(s, received, now), Window: tr.o.Coalesce, MaxWait: tr.capOf(k.String())}
	for _, e := range want {
		if slices.Contains(had, e) {
			continue
		}
		if v, ok := strings.CutPrefix(e, "sha:"); ok {
			c.SHAs = append(c.SHAs, v)
		} else {
			c.Refs = append(c.Refs, strings.TrimPrefix(e, "ref:"))
		}
	}
	if full || len(c.SHAs)+len(c.Refs) > 0 {
		at := now
		if !full {
			at = prev.At // a refresh still comes when it is due
		}
		rec.Indexed = &indexed{Keys: want, At: at}
	}
	b, err := encodeRecord(rec)
	if err != nil {
		rec.Indexed = prev
		return queue.Dirty{}, time.Time{}, false, fmt.Errorf("encode state: %w", err)
	}
	c.State = b
	h := heldOf(ctx, k.String())
	if h != nil {
		c.Token = h.token // a fenced save: see queue.Commit
		if h.forgot.Load() {
			c.ClearUnsure, c.Mark = true, true // and the sync that writes it all again is owed
		}
		if unlock {
			c.Unlock = true
			h.handing.Store(true)
		}
	}
	var d queue.Dirty
	var due time.Time
	if cm, ok := tr.o.States.(committer); ok && any(tr.o.Index) == any(tr.o.States) && any(tr.o.Marks) == any(tr.o.States) {
		d, due, err = cm.Commit(ctx, c)
	} else {
		d, due, err = tr.commitApart(ctx, c)
	}
	if err != nil {
		rec.Indexed = prev // in this process; the retry reloads the record
	}
	if !c.Unlock {
		return d, due, false, err
	}
	if err != nil && !errors.Is(err, ErrLockLost) {
		h.handing.Store(false) // the lock's fate unknown: the pass releases it
		return d, due, false, err
	}
	h.released.Store(true)
	return d, due, true, err
}

// commitApart is commitWrite's calls one by one, for a store without
// Commit: the index entries, the record (not fenced), the mark, the
// unlock.
func (tr *Tracker) commitApart(ctx context.Context, c queue.Commit) (queue.Dirty, time.Time, error) {
	for _, sha := range c.SHAs {
		if err := tr.o.Index.IndexCommit(ctx, c.Repo, sha, c.Release); err != nil {
			return queue.Dirty{}, time.Time{}, err
		}
	}
	for _, ref := range c.Refs {
		if err := tr.o.Index.IndexRef(ctx, c.Repo, ref, c.Release); err != nil {
			return queue.Dirty{}, time.Time{}, err
		}
	}
	if err := tr.o.States.SaveState(ctx, c.Release, c.State, c.Open); err != nil {
		return queue.Dirty{}, time.Time{}, err
	}
	var d queue.Dirty
	var due time.Time
	if c.Mark {
		var err error
		if d, due, err = tr.o.Marks.MarkDirty(ctx, c.Release, c.Now, c.Window, c.MaxWait, c.Since); err != nil {
			return d, due, err
		}
	}
	if c.Unlock {
		return d, due, tr.o.Locks.Release(ctx, c.Release, c.Token)
	}
	return d, due, nil
}

func (tr *Tracker) load(ctx context.Context, k release.Key) (*record, error) {
	raw, unsure, ok := takePreloaded(ctx, k.String())
	if !ok {
		var err error
		if raw, err = tr.o.States.LoadState(ctx, k.String()); err != nil {
			return nil, err
		}
	}
	if raw == nil {
		return nil, nil
	}
	rec, err := decodeRecord(raw)
	if err != nil {
		// A record golive cannot read is rebuilt from GitHub, not trusted.
		tr.o.Log.Error("unreadable release state; rebuilding from GitHub", "release", k.String(), "err", err)
		return nil, nil
	}
	if unsure && rec.State != nil {
		// A pass whose lock expired may have written GitHub before its
		// save was refused (a check run's stale verdict): what the record
		// says golive last wrote there is not trusted, so the next sync
		// writes it again.
		tr.o.Log.Warn("a pass's save was refused after its lock expired; the check run and the PR comment are written again", "release", k.String())
		rec.State.Written.CheckDigest, rec.State.Written.Comment = "", ""
		heldOf(ctx, k.String()).forgot.Store(true)
	}
	return rec, nil
}

// save saves the record, with the index entries that changed (commitWrite;
// a finished release leaves the open index, so it is not swept).
func (tr *Tracker) save(ctx context.Context, rec *record) error {
	_, _, _, err := tr.commitWrite(ctx, rec, "", false, false, time.Time{})
	return err
}

// finish posts the replies and reactions still owed and saves after each,
// so a crash doubles at most the one reply in flight (a reaction GitHub
// keeps once however often it is given).
func (tr *Tracker) finish(ctx context.Context, gh Issues, k release.Key, rec *record) error {
	for len(rec.Outbox) > 0 {
		o := rec.Outbox[0]
		switch o.Kind {
		case "react":
			if err := gh.AddReaction(ctx, k.Owner, k.Repo, o.CommentID, o.Reaction); err != nil {
				if !tr.refusedForGood(err) && !tr.refusedLong(ctx, o, err) {
					tr.refused(ctx, rec, err)
					return err
				}
				// Refused for good, or for too long: retrying would
				// wedge every reply after it.
				tr.drop("reaction", k.String(), err)
			} else {
				tr.o.Metrics.GitHubWrites.WithLabelValues("reaction").Inc()
			}
		default:
			target := o.Target
			if target == 0 {
				target = rec.State.Issue
			}
			if target == 0 {
				target = k.PR
			}
			if _, err := gh.CreateComment(ctx, k.Owner, k.Repo, target, o.Body); err != nil {
				if !tr.refusedForGood(err) && !tr.refusedLong(ctx, o, err) {
					tr.refused(ctx, rec, err)
					return err
				}
				tr.drop("reply", k.String(), err)
			} else {
				tr.o.Metrics.GitHubWrites.WithLabelValues("reply").Inc()
			}
		}
		rec.Outbox = rec.Outbox[1:]
		if err := tr.save(ctx, rec); err != nil {
			return err
		}
	}
	return nil
}

// findIssue looks for the tracking issue of a release whose record holds
// none. rebuild looked already when it made the record (searched). A
// create begun and not recorded (IssueCreating), or a record an older
// golive wrote, which said no such thing, take the bounded issue list as
// well (FindIssue); otherwise golive's PR comment is enough
// (FindIssuePointed): there is no issue golive made without either.
func (tr *Tracker) findIssue(ctx context.Context, gh Issues, rec *record) (int, error) {
	s := rec.State
	k := s.Key
	var f release.IssueFound
	var err error
	switch {
	case s.IssueCreating || s.Schema() < 3:
		f, err = gh.FindIssue(ctx, k.Owner, k.Repo, render.Marker(k))
	case rec.searched:
		return 0, nil
	default:
		f, err = gh.FindIssuePointed(ctx, k.Owner, k.Repo, render.Marker(k))
	}
	if err == nil {
		rec.comment = commentSeen(f)
	}
	return f.Issue, err
}
