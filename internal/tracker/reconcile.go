package tracker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// Reconcile rebuilds one release from GitHub and syncs it at once: the PR,
// the check runs and statuses on its head, the deployments its items name,
// and the tracking issue's signed ledger of human decisions. It repairs
// missed webhooks, and with Redis lost it restores the same issue, ticks
// and verdict without a second issue.
func (tr *Tracker) Reconcile(ctx context.Context, k release.Key, installation int64) error {
	return tr.withLock(ctx, k.String(), func(ctx context.Context) error {
		return tr.reconcileLocked(ctx, k, installation)
	})
}

func (tr *Tracker) reconcileLocked(ctx context.Context, k release.Key, installation int64) error {
	rec, err := tr.load(ctx, k)
	if err != nil {
		return err
	}
	if rec != nil && installation == 0 {
		installation = rec.State.Installation
	}
	gh, err := tr.o.GitHub.Installation(installation)
	if err != nil {
		return err
	}
	rc, err := tr.config(ctx, gh, k.Owner, k.Repo)
	if err != nil {
		return err
	}
	pr, err := gh.PullRequest(ctx, k.Owner, k.Repo, k.PR)
	if err != nil {
		return err
	}
	now := tr.o.Clock()
	if rec == nil {
		f, err := gh.FindIssue(ctx, k.Owner, k.Repo, render.Marker(k))
		if err != nil {
			return err
		}
		n := f.Issue
		if n == 0 && !rc.cfg.Release.Matches(pr.HeadRef, pr.BaseRef, pr.Title, pr.Labels) {
			return nil // neither tracked nor a release PR
		}
		rec = &record{State: release.New(k)}
		rec.State.Installation = installation
		if n != 0 {
			is, err := gh.GetIssue(ctx, k.Owner, k.Repo, n)
			if err != nil {
				return err
			}
			rec.State.Issue = n
			rec.State.SetIssueWritten(is.Body)
			if is.State == "closed" {
				rec.State.Written.IssueState = "closed"
			}
			l, ok, err := render.ParseLedger(is.Body, k, tr.o.LedgerKey)
			if err == nil && ok {
				err = l.ForRepository(pr.RepoID)
			}
			switch {
			case err != nil:
				tr.o.Log.Error("tracking issue ledger rejected; human decisions must be given again", "release", k.String(), "err", err)
			case ok:
				l.Restore(rec.State)
			}
		}
	}
	events := []release.Event{{Kind: release.EvConfig, Problems: rc.problems}}
	prEv := release.Event{Kind: release.EvPR, PR: &pr, Actor: release.Principal{Login: pr.Author}, At: pr.UpdatedAt}
	// A head other than the one last seen (kept in Redis or in the
	// ledger) was pushed while golive was not watching: it is applied as
	// the push it was, voiding what a push voids, and since GitHub does
	// not say who pushed, anyone may have (release.UnknownPusher).
	unseenPush := rec.State.HeadSHA != "" && rec.State.HeadSHA != pr.HeadSHA
	if unseenPush {
		pr.Synchronize = true
		if tree, err := gh.CommitTree(ctx, k.Owner, k.Repo, pr.HeadSHA); err == nil {
			pr.HeadTree = tree
		} else {
			tr.o.Log.Warn("head tree unknown; the push voids invalidating sign-offs", "release", k.String(), "err", err)
		}
	}
	events = append(events, prEv)
	checks, err := gh.Checks(ctx, k.Owner, k.Repo, pr.HeadSHA)
	if err != nil {
		return err
	}
	for i := range checks {
		events = append(events, release.Event{Kind: release.EvCheck, Check: &checks[i], At: checks[i].At})
	}
	for _, env := range environments(rc.cfg) {
		d, ok, err := gh.LatestDeploy(ctx, k.Owner, k.Repo, env)
		if err != nil {
			return err
		}
		if ok {
			events = append(events, release.Event{Kind: release.EvDeploy, Deploy: &d, At: d.At})
		}
	}
	if pr.State == "closed" {
		at := pr.UpdatedAt
		if at.IsZero() {
			at = pr.MergedAt
		}
		events = append(events, release.Event{Kind: release.EvClosed, PR: &pr, At: at})
	}
	s := rec.State
	var closeReason string
	for _, ev := range events {
		ev.Key, ev.Installation = k, installation
		if ev.At.IsZero() {
			ev.At = now
		}
		var eff []release.Effect
		s, eff = release.Apply(rc.cfg, s, ev)
		for _, e := range eff {
			if e.Kind == release.EffCloseIssue {
				closeReason = e.Reason
			}
		}
	}
	if unseenPush && s.HeadSHA == pr.HeadSHA {
		s.LastPusher = release.UnknownPusher
	}
	rec.State = s
	if s.Status == release.StatusClosed && closeReason == "" {
		closeReason = "not_planned"
	}
	// A rebuild replays what GitHub holds: of its effects only the sync
	// (at once) and the close count; the replies were given the first
	// time.
	eff := []release.Effect{{Kind: release.EffSync}}
	if closeReason != "" {
		eff = append(eff, release.Effect{Kind: release.EffCloseIssue, Reason: closeReason})
	}
	return tr.commit(ctx, gh, rc, rec, change{id: "reconcile", eff: eff, mergeSHA: pr.MergeSHA, now: true})
}

// RequestRefresh queues a reconcile of one release; id makes repeats of
// one request collapse.
func (tr *Tracker) RequestRefresh(ctx context.Context, k release.Key, installation int64, id, reason string, probes bool) error {
	_, err := tr.o.Queue.Enqueue(ctx, queue.Refresh(k, installation, id, reason, probes, tr.o.Clock()))
	return err
}

// SweepRedis queues a reconcile of every open release Redis knows; one
// request per release per sweep period, whichever replica asks first.
func (tr *Tracker) SweepRedis(ctx context.Context) error {
	names, err := tr.o.States.Releases(ctx)
	if err != nil {
		return err
	}
	tr.o.Metrics.OpenReleases.Set(float64(len(names)))
	tr.healthGauges(ctx, names) // notify.go
	bucket := tr.o.Clock().UnixNano() / int64(max(tr.o.Reconcile, 1))
	var errs []error
	for _, n := range names {
		k, err := release.ParseKey(n)
		if err != nil {
			continue
		}
		// One sweep's refresh still queued (a backlog): another would only
		// lengthen the queue (issue #18).
		mark := sweepMark + n
		if v, ok, err := tr.o.Cache.CacheGet(ctx, mark); err == nil && ok && string(v) != sweepDone {
			continue
		}
		id := fmt.Sprintf("sweep-%d-%s", bucket, n)
		// Marked before it is queued, so a worker taking it at once
		// writes "done" last; kept three periods at most.
		tr.o.Cache.CacheSet(ctx, mark, []byte(id), 3*tr.sweepPeriod())
		dup, err := tr.o.Queue.Enqueue(ctx, queue.Refresh(k, 0, id, sweepReason, false, tr.o.Clock()))
		if err != nil || dup {
			// Nothing new queued (this period's was queued and taken
			// already, by this replica or another): no wait to mark.
			tr.o.Cache.CacheSet(ctx, mark, []byte(sweepDone), tr.sweepPeriod())
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// sweepPeriod is the reconcile period, a minute when sweeps are off (a
// test sweeping by hand).
func (tr *Tracker) sweepPeriod() time.Duration { return max(tr.o.Reconcile, time.Minute) }

// sweepMark prefixes the cache key saying a release's sweep refresh is
// queued (its id) or was taken (sweepDone).
const (
	sweepMark   = "sweep-queued:"
	sweepDone   = "done"
	sweepReason = "periodic reconcile"
)

// Discover finds the releases GitHub knows of through their open tracking
// issues in every repository of every installation, for when Redis has
// lost them. It returns them with their installations.
func (tr *Tracker) Discover(ctx context.Context) (map[release.Key]int64, error) {
	insts, err := tr.o.GitHub.Installations(ctx)
	if err != nil {
		return nil, err
	}
	out := map[release.Key]int64{}
	for _, id := range insts {
		gh, err := tr.o.GitHub.Installation(id)
		if err != nil {
			return nil, err
		}
		repos, err := gh.Repos(ctx)
		if err != nil {
			return nil, err
		}
		for _, full := range repos {
			owner, name, _ := strings.Cut(full, "/")
			issues, err := gh.OpenTrackingIssues(ctx, owner, name)
			if err != nil {
				return nil, err
			}
			for _, is := range issues {
				if k, ok := render.ParseMarker(is.Body); ok && strings.EqualFold(k.FullRepo(), full) {
					out[k] = id
				}
			}
		}
	}
	return out, nil
}

// Snapshot returns the saved state of a release, or nil.
func (tr *Tracker) Snapshot(ctx context.Context, k release.Key) (*release.State, error) {
	rec, err := tr.load(ctx, k)
	if err != nil || rec == nil {
		return nil, err
	}
	return rec.State, nil
}
