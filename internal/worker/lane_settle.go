package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/webhook"
)

// EventSettle is the synthetic event that judges a release's pending
// approvals for good once their settle window has passed (see
// release.PendingApproval). It is scheduled when an approval is kept
// pending, through the same delay set as retries.
const EventSettle = "golive.settle"

// SettleRequest is the payload of EventSettle.
type SettleRequest struct {
	Release      string `json:"release"`
	Installation int64  `json:"installation"`
}

// settle applies EventSettle: the release's approvals still pending and
// received more than SettleWindow ago are refused, with one reply each.
func (w *Worker) settle(ctx context.Context, d Delivery) (string, error) {
	var r SettleRequest
	if err := json.Unmarshal(d.Payload, &r); err != nil {
		return "dead", permanent(fmt.Errorf("settle request: %w", err))
	}
	k, err := ParseKey(r.Release)
	if err != nil {
		return "dead", permanent(err)
	}
	gh, err := w.o.GitHub.Installation(r.Installation)
	if err != nil {
		return "", fmt.Errorf("installation %d: %w", r.Installation, err)
	}
	did := false
	err = w.withLock(ctx, k.String(), func(ctx context.Context) error {
		rec, err := w.load(ctx, k)
		if err != nil || rec == nil || len(rec.State.Pending) == 0 {
			return err // settled already, or nothing known to settle
		}
		p := webhook.Parsed{Owner: k.Owner, Repo: k.Repo, Event: release.Event{Kind: release.EvSettle, Key: k, Installation: r.Installation,
			At: w.o.Clock().Add(-w.o.SettleWindow)}}
		did, err = w.apply(ctx, gh, k, d, p)
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

// settleOwed runs after an event is applied to a release (before it is
// saved). Approvals pending past their settle window are judged now, in
// case their scheduled settle was lost; every approval the event left
// newly pending (or still pending after a settle) gets a settle
// scheduled, so none waits forever without a word.
func (w *Worker) settleOwed(ctx context.Context, k release.Key, cfg *checklist.Config, before, s *release.State, ev release.Event, eff []release.Effect) (*release.State, []release.Effect, error) {
	if len(s.Pending) == 0 {
		return s, eff, nil
	}
	now := w.o.Clock()
	if ev.Kind != release.EvSettle {
		var more []release.Effect
		s, more = release.Apply(cfg, s, release.Event{Kind: release.EvSettle, At: now.Add(-w.o.SettleWindow), Key: k})
		eff = append(eff, more...)
	}
	for _, p := range s.Pending {
		known := slices.ContainsFunc(before.Pending, func(q release.PendingApproval) bool { return q.CommentID == p.CommentID && q.Role == p.Role })
		if known && ev.Kind != release.EvSettle {
			continue
		}
		due := p.Received.Add(w.o.SettleWindow)
		if soon := now.Add(time.Second); ev.Kind == release.EvSettle && due.Before(soon) {
			due = soon // a clock behind: ask again soon
		}
		b, _ := json.Marshal(SettleRequest{Release: k.String(), Installation: s.Installation})
		id := fmt.Sprintf("settle-%s-%d-%d", k, p.CommentID, due.UnixMilli())
		if err := w.o.Store.Schedule(ctx, Delivery{ID: id, Event: EventSettle, Payload: b, Attempt: 1, Received: now}, due); err != nil {
			return s, eff, err
		}
	}
	return s, eff, nil
}
