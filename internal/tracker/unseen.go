package tracker

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/webhook"
)

// noteUnseen keeps the boxes someone changed since golive's last write
// (written → current) that no event judged yet, and schedules their
// judging. A box golive already keeps with the same state stays as it is.
func (tr *Tracker) noteUnseen(ctx context.Context, s *release.State, changed map[string]bool) error {
	now := tr.o.Clock()
	for id, on := range changed {
		if u, ok := s.Unseen[id]; ok && u.On == on {
			continue
		}
		if s.Unseen == nil {
			s.Unseen = map[string]release.Unseen{}
		}
		s.Unseen[id] = release.Unseen{On: on, Since: now}
		if err := tr.o.Queue.Schedule(ctx, queue.Unseen(s.Key, s.Installation, id, on, now), now.Add(tr.o.UnseenAfter)); err != nil {
			return err
		}
	}
	return nil
}

// unseenTick applies EventUnseen.
func (tr *Tracker) unseenTick(ctx context.Context, d Delivery) (string, error) {
	var r queue.UnseenRequest
	if err := json.Unmarshal(d.Payload, &r); err != nil {
		return "dead", permanent(fmt.Errorf("unseen tick request: %w", err))
	}
	k, err := release.ParseKey(r.Release)
	if err != nil {
		return "dead", permanent(err)
	}
	gh, err := tr.o.GitHub.Installation(r.Installation)
	if err != nil {
		return "", fmt.Errorf("installation %d: %w", r.Installation, err)
	}
	did := false
	err = tr.withLock(ctx, k.String(), func(ctx context.Context) error {
		rec, err := tr.load(ctx, k)
		if err != nil || rec == nil {
			return err
		}
		u, ok := rec.State.Unseen[r.Item]
		if !ok || u.On != r.On || u.Unjudged != "" {
			return nil // judged meanwhile (its event came), or changed again
		}
		edits, herr := gh.IssueEdits(ctx, k.Owner, k.Repo, rec.State.Issue)
		if herr != nil && d.Attempt < failClosedAfter {
			return herr // a GitHub hiccup: ask again before giving up
		}
		edit, prev, found := release.BodyEdit{}, "", false
		if herr == nil {
			edit, prev, found = release.TickEdit(edits, r.Item, r.On)
		}
		if !found || edit.Bot {
			why := "the issue's edit history does not show who changed this box"
			if herr != nil {
				why = "golive could not read the issue's edit history"
			}
			tr.o.Log.Warn("a box changed without an event, and its editor is unknown; left standing, not counted", "release", k.String(), "item", r.Item, "err", herr)
			u.Unjudged = why
			rec.State.Unseen[r.Item] = u
			if err := tr.save(ctx, rec); err != nil {
				return err
			}
			err := tr.markDirty(ctx, rec.State, time.Time{})
			did = true
			return err
		}
		// Judged as the lost issues.edited event would have been: the
		// editor's standing is looked up, and the tick kept with who and
		// when, or reverted with one reply.
		p := webhook.Parsed{Owner: k.Owner, Repo: k.Repo, Event: release.Event{Kind: release.EvIssueEdited, Key: k, Installation: r.Installation,
			At: edit.At, Actor: release.Principal{Login: edit.Editor}, Body: edit.Body, PrevBody: prev}}
		did, err = tr.apply(ctx, gh, k, d, p)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("%s: %w", k, err)
	}
	if !did {
		return "ignored", nil
	}
	return "applied", nil
}
