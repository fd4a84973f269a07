package tracker

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"slices"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/webhook"
)

// maxApplied bounds the delivery ids kept per release.
const maxApplied = 256

// appliedID is how the record keeps a delivery it applied: 12 characters
// of the id's SHA-256 (72 bits), not GitHub's 36-character UUID, so the
// 256 kept take 3.5 KB of the record instead of 10 KB; an id no longer
// than that is kept as it is. A new delivery taken for one of 256 kept by
// chance is a 2^-64 event. GitHub's delivery ids are not the sender's to
// choose (a replay of a signed body is refused by ingest's dedupe first).
func appliedID(delivery string) string {
	if len(delivery) <= 12 {
		return delivery
	}
	h := sha256.Sum256([]byte(delivery))
	return base64.RawURLEncoding.EncodeToString(h[:9])
}

// applied reports whether the record applied the delivery: kept hashed,
// or whole, as a golive before appliedID kept it.
func (r *record) applied(delivery string) bool {
	return slices.Contains(r.Applied, appliedID(delivery)) || slices.Contains(r.Applied, delivery)
}

// apply runs one event through the core for one release and commits the
// result. It reports false when the release is not tracked.
func (tr *Tracker) apply(ctx context.Context, gh GitHub, k release.Key, d Delivery, p webhook.Parsed) (bool, error) {
	delivery := d.ID
	rec, err := tr.load(ctx, k)
	if err != nil {
		return false, err
	}
	if rec != nil && rec.applied(delivery) {
		// Applied before a crash, a failed write or a lost ack: finish its
		// effects, and make sure the sync it asked for happens.
		if err := tr.markDirty(ctx, rec.State, d.Received); err != nil {
			return true, err
		}
		return true, tr.finishOrOwe(ctx, gh, rec, d.Received)
	}
	rc, err := tr.config(ctx, gh, k.Owner, k.Repo)
	if err != nil {
		return false, err
	}
	if rec == nil {
		// No state: the release is rebuilt from GitHub before anything is
		// written, so an empty state never overwrites a tracking issue.
		if rec, err = tr.rebuild(ctx, gh, rc, k, p); err != nil || rec == nil {
			return false, err
		}
	}
	ev := p.Event
	ev.Key = k
	ev.Received = d.Received
	if ev.Kind == release.EvComment && ev.Comment != nil && ev.Comment.Target != k.PR && ev.Comment.Target != rec.State.Issue {
		// Only the PR and its own tracking issue carry commands: another
		// issue that holds a copy of the marker is not the release's.
		tr.o.Log.Warn("comment on an issue that is not the release's tracking issue ignored", "release", k.String(), "issue", ev.Comment.Target)
		return false, nil
	}
	if rec.State.HeadSHA == "" && ev.PR != nil {
		pr := ev.PR
		if !rc.cfg.Release.Matches(pr.HeadRef, pr.BaseRef, pr.Title, pr.Labels) {
			return false, tr.notRelease(ctx, gh, rc, k, ev) // not a release PR
		}
	}
	if ev.Kind == release.EvIssueEdited || ev.Kind == release.EvComment {
		actor, err := tr.principal(ctx, gh, p.Event.Installation, rc.cfg, k.Owner, k.Repo, ev.Actor)
		if err != nil && d.Attempt < failClosedAfter {
			return false, err // a GitHub hiccup: try again before refusing
		}
		ev.Actor = actor
	}
	if ev.PR != nil && ev.PR.HeadSHA != "" && ev.PR.HeadSHA != rec.State.HeadSHA && ev.PR.HeadTree == "" {
		// The tree decides whether a push voids sign-offs: a rebase that
		// changes no file keeps them. Unknown, they are voided.
		if tree, err := gh.CommitTree(ctx, k.Owner, k.Repo, ev.PR.HeadSHA); err == nil {
			ev.PR.HeadTree = tree
		} else {
			tr.o.Log.Warn("head tree unknown; a push will void invalidating sign-offs", "release", k.String(), "err", err)
		}
		tr.changedFiles(ctx, gh, k, rc.cfg, rec.State.HeadSHA, ev.PR)
	}
	s, eff := release.Apply(rc.cfg, rec.State, release.Event{Kind: release.EvConfig, At: ev.At, Key: k, Problems: rc.problems})
	s, more := release.Apply(rc.cfg, s, ev)
	eff = append(eff, more...)
	if err := tr.settleOwed(ctx, k, rec.State, s, ev); err != nil {
		return false, err
	}
	rec.State = s
	rec.Applied = append(rec.Applied, appliedID(delivery))
	if len(rec.Applied) > maxApplied {
		rec.Applied = slices.Clone(rec.Applied[len(rec.Applied)-maxApplied:])
	}
	return true, tr.commit(ctx, gh, rc, rec, change{id: delivery, eff: eff, mergeSHA: p.MergeSHA, by: ev.Actor.Login, received: d.Received,
		opening: ev.Kind == release.EvComment && ev.Comment != nil && release.OpensOnly(ev.Comment.Body), last: true})
}
