package tracker

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/webhook"
)

// settle applies EventSettle: the release's approvals still pending and
// received more than SettleWindow ago are refused, with one reply each.
func (tr *Tracker) settle(ctx context.Context, d Delivery) (string, error) {
	var r queue.SettleRequest
	if err := json.Unmarshal(d.Payload, &r); err != nil {
		return "dead", permanent(fmt.Errorf("settle request: %w", err))
	}
	k, err := release.ParseKey(r.Release)
	if err != nil {
		return "dead", permanent(err)
	}
	gh, err := tr.o.GitHub.Installation(r.Installation)
	if err != nil {
		return "", fmt.Errorf("installation %d: %w", r.Installation, err)
	}
	if ahead, err := tr.commentsAhead(ctx, k, d.Entry); err != nil || ahead {
		if err != nil {
			return "", err
		}
		// A comment of the release received before this settle is not
		// applied yet (a backlog, a retry): judging now could refuse an
		// approval whose sign-off is on its way. Look again soon.
		return "deferred", tr.scheduleSettle(ctx, k, r.Installation, 0, tr.o.Clock().Add(settleRecheck))
	}
	did := false
	err = tr.withLock(ctx, k.String(), func(ctx context.Context) error {
		rec, err := tr.load(ctx, k)
		if err != nil || rec == nil || len(rec.State.Pending) == 0 {
			return err // settled already, or nothing known to settle
		}
		p := webhook.Parsed{Owner: k.Owner, Repo: k.Repo, Event: release.Event{Kind: release.EvSettle, Key: k, Installation: r.Installation,
			At: tr.o.Clock().Add(-tr.o.SettleWindow)}}
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

// settleRecheck is how soon a settle put off by comments still on
// their way looks again.
const settleRecheck = time.Second

// maxAhead bounds the deliveries a settle reads to find comments of its
// release still on their way; past it, it assumes there are.
const maxAhead = 2000

// commentsAhead reports whether a comment of release k is still queued
// ahead of entry, or waiting for a retry.
func (tr *Tracker) commentsAhead(ctx context.Context, k release.Key, entry string) (bool, error) {
	ds, more, err := tr.o.Queue.Outstanding(ctx, entry, maxAhead)
	if err != nil || more {
		return true, err
	}
	for _, d := range ds {
		if d.Event != "issue_comment" {
			continue
		}
		p, err := webhook.Parse(d.Event, d.Payload, d.Received)
		if err != nil || p.Ignore != "" || p.Event.Kind != release.EvComment {
			continue
		}
		if strings.EqualFold(p.Owner, k.Owner) && strings.EqualFold(p.Repo, k.Repo) && slices.Contains(p.PRs, k.PR) {
			return true, nil
		}
	}
	return false, nil
}

// settleOwed runs after an event is applied to a release, before it is
// saved: every approval the event left newly pending (or still pending
// after a settle) gets a settle scheduled, so none waits forever without
// a word.
func (tr *Tracker) settleOwed(ctx context.Context, k release.Key, before, s *release.State, ev release.Event) error {
	now := tr.o.Clock()
	for _, p := range s.Pending {
		known := slices.ContainsFunc(before.Pending, func(q release.PendingApproval) bool { return q.CommentID == p.CommentID && q.Role == p.Role })
		if known && ev.Kind != release.EvSettle {
			continue
		}
		due := p.Received.Add(tr.o.SettleWindow)
		if soon := now.Add(settleRecheck); ev.Kind == release.EvSettle && due.Before(soon) {
			due = soon // a clock behind: ask again soon
		}
		if err := tr.scheduleSettle(ctx, k, s.Installation, p.CommentID, due); err != nil {
			return err
		}
	}
	return nil
}

func (tr *Tracker) scheduleSettle(ctx context.Context, k release.Key, installation, comment int64, due time.Time) error {
	return tr.o.Queue.Schedule(ctx, queue.Settle(k, installation, comment, due, tr.o.Clock()), due)
}
