package worker

import (
	"context"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
	"github.com/ag06mixer/golive/internal/webhook"
)

// rebuild gives the record of a release golive has no state for (a
// missed opening, a flushed Redis, an unreadable record). A release PR
// that already has a tracking issue, and any event but a PR event, is
// rebuilt from GitHub first (issue body and ledger, checks, deployments):
// the event then applies to what GitHub holds, never to an empty state.
// A PR event for a PR with no tracking issue starts a fresh state, as its
// opening. It returns nil when the event concerns no release.
// The caller holds the release's lock.
func (w *Worker) rebuild(ctx context.Context, gh GitHub, rc repoConfig, k release.Key, p webhook.Parsed) (*record, error) {
	pr := p.Event.PR
	if p.Event.Kind != release.EvPR || pr == nil {
		// Either not a release, or one whose opening golive has not
		// applied yet. Ask GitHub once in a while.
		adopted, err := w.adopt(ctx, gh, k, p.Event.Installation)
		if err != nil || !adopted {
			return nil, err
		}
		return w.load(ctx, k)
	}
	if rc.cfg.Release.Matches(pr.HeadRef, pr.BaseRef, pr.Title, pr.Labels) {
		n, err := gh.FindIssue(ctx, k.Owner, k.Repo, render.Marker(k))
		if err != nil {
			return nil, err
		}
		if n != 0 {
			w.o.Log.Info("rebuilding a release from GitHub before applying its event", "release", k.String())
			if err := w.reconcileLocked(ctx, k, p.Event.Installation); err != nil {
				return nil, err
			}
			rec, err := w.load(ctx, k)
			if err != nil || rec == nil {
				return nil, err
			}
			if pr.Synchronize && pr.HeadSHA == rec.State.HeadSHA && p.Event.Actor.Login != "" {
				// This event is the push of the head the rebuild found:
				// its sender is the last pusher.
				rec.State.LastPusher = p.Event.Actor.Login
			}
			return rec, nil
		}
	}
	// No tracking issue to overwrite: a new release, or not a release
	// (decided by the caller from the PR).
	return &record{State: release.New(k)}, nil
}
