package tracker

import (
	"context"
	"slices"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"

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
func (tr *Tracker) rebuild(ctx context.Context, gh GitHub, rc repoConfig, k release.Key, p webhook.Parsed) (*record, error) {
	pr := p.Event.PR
	if p.Event.Kind != release.EvPR || pr == nil {
		// Either not a release, or one whose opening golive has not
		// applied yet. Ask GitHub once in a while.
		adopted, err := tr.adopt(ctx, gh, k, p.Event.Installation)
		if err != nil || !adopted {
			return nil, err
		}
		return tr.load(ctx, k)
	}
	var comment *int64 // golive's PR comment, as the look read it
	if rc.cfg.Release.Matches(pr.HeadRef, pr.BaseRef, pr.Title, pr.Labels) {
		// No record: a create golive began is not in flight (its record
		// says IssueCreating), so golive's PR comment tells whether an
		// issue exists, and a new release lists no issue.
		f, err := gh.FindIssuePointed(ctx, k.Owner, k.Repo, render.Marker(k))
		if err != nil {
			return nil, err
		}
		comment = commentSeen(f)
		if f.Issue != 0 {
			tr.o.Log.Info("rebuilding a release from GitHub before applying its event", "release", k.String())
			if err := tr.reconcileLocked(ctx, k, p.Event.Installation); err != nil {
				return nil, err
			}
			rec, err := tr.load(ctx, k)
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
	return &record{State: release.New(k), searched: true, comment: comment}, nil
}

// environments lists the deployment environments the config's items name.
func environments(cfg *checklist.Config) []string {
	var out []string
	for _, e := range cfg.Flatten() {
		if ev := e.Item.Evidence; ev != nil && ev.Deployment != nil && !slices.Contains(out, ev.Deployment.Environment) {
			d := ev.Deployment
			out = append(out, d.Environment)
		}
	}
	return out
}

// notReleaseTTL is how long a PR found not to be a release is not asked
// about again.
const notReleaseTTL = 10 * time.Minute

// adopt starts tracking a release PR golive missed the opening of, by
// rebuilding it from GitHub; it reports false for PRs that are not open
// release PRs (remembered for a while, so CI on ordinary PRs costs one
// read per PR per ten minutes). The caller holds the release's lock.
func (tr *Tracker) adopt(ctx context.Context, gh GitHub, k release.Key, installation int64) (bool, error) {
	neg := "notrel:" + k.String()
	if _, known, _ := tr.o.Cache.CacheGet(ctx, neg); known {
		return false, nil
	}
	pr, err := gh.PullRequest(ctx, k.Owner, k.Repo, k.PR)
	if err != nil {
		return false, err
	}
	rc, err := tr.config(ctx, gh, k.Owner, k.Repo)
	if err != nil {
		return false, err
	}
	if pr.State != "open" || !rc.cfg.Release.Matches(pr.HeadRef, pr.BaseRef, pr.Title, pr.Labels) {
		tr.o.Cache.CacheSet(ctx, neg, []byte("1"), notReleaseTTL)
		return false, nil
	}
	tr.o.Log.Info("adopting a release PR golive had not seen open", "release", k.String())
	return true, tr.reconcileLocked(ctx, k, installation)
}
