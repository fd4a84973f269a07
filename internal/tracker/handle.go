package tracker

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/webhook"
)

// failClosedAfter is the attempt from which a person whose standing
// GitHub cannot confirm is treated as having none: earlier attempts are
// retried, so a transient error never refuses a sign-off.
const failClosedAfter = 4

// Handle applies one queue entry: it routes it to its release(s), each
// taken in its lane. The outcome names what happened, for metrics:
// applied, ignored, deferred or dead.
func (tr *Tracker) Handle(ctx context.Context, d Delivery) (string, error) {
	switch d.Event {
	case queue.EventProbe:
		return "applied", tr.applyProbe(ctx, d)
	case queue.EventUnseen:
		return tr.unseenTick(ctx, d)
	case queue.EventSettle:
		return tr.settle(ctx, d)
	case queue.EventRefresh:
		return tr.refresh(ctx, d)
	case queue.EventNotify:
		return tr.notify(ctx, d) // notify.go
	}
	p, err := webhook.Parse(d.Event, d.Payload, d.Received)
	if err != nil {
		return "dead", permanent(err)
	}
	if p.InvalidateOrg != "" {
		// Team memberships changed: every cached principal goes stale.
		if err := tr.o.Cache.CacheSet(ctx, principalGen, []byte(d.ID), 0); err != nil {
			return "", err
		}
	}
	if p.Ignore != "" {
		tr.o.Log.Debug("delivery ignored", "delivery", d.ID, "event", d.Event, "reason", p.Ignore)
		return "ignored", nil
	}
	gh, err := tr.o.GitHub.Installation(p.Event.Installation)
	if err != nil {
		return "", fmt.Errorf("installation %d: %w", p.Event.Installation, err)
	}
	if p.MergeGroup != nil {
		return "applied", tr.mergeGroup(ctx, gh, p)
	}
	if p.DeployGate != nil {
		return "applied", tr.deployGate(ctx, gh, p)
	}
	keys, err := tr.releasesOf(ctx, gh, p)
	if err != nil {
		return "", err
	}
	applied := false
	for _, k := range keys {
		if p.Event.Kind == release.EvRefresh {
			// The check run's Re-run or a button: re-read and re-probe.
			if err := tr.Reconcile(ctx, k, p.Event.Installation); err != nil {
				return "", err
			}
			if err := tr.ProbeNow(ctx, k); err != nil {
				return "", err
			}
			applied = true
			continue
		}
		var did bool
		err := tr.withLockAt(ctx, k.String(), placeOf(p), d.Received, func(ctx context.Context) error {
			var err error
			did, err = tr.apply(ctx, gh, k, d, p)
			return err
		})
		if err != nil {
			return "", fmt.Errorf("%s: %w", k, err)
		}
		tr.logApplied(d, k, did)
		applied = applied || did
	}
	if !applied {
		return "ignored", nil
	}
	return "applied", nil
}

// refresh applies EventRefresh: a reconcile, and the probes if asked.
func (tr *Tracker) refresh(ctx context.Context, d Delivery) (string, error) {
	var r queue.RefreshRequest
	if err := json.Unmarshal(d.Payload, &r); err != nil {
		return "dead", permanent(fmt.Errorf("refresh request: %w", err))
	}
	k, err := release.ParseKey(r.Release)
	if err != nil {
		return "dead", permanent(err)
	}
	if r.Reason == sweepReason {
		// Taken from the queue: the next sweep may queue another.
		tr.o.Cache.CacheSet(ctx, sweepMark+r.Release, []byte(sweepDone), tr.sweepPeriod())
	}
	if err := tr.Reconcile(ctx, k, r.Installation); err != nil {
		return "", err
	}
	if r.Probes {
		return "applied", tr.ProbeNow(ctx, k)
	}
	return "applied", nil
}

// releasesOf finds the releases an event concerns: named in the payload,
// or found by commit or branch in the index, or, when the index does not
// know the commit, asked of GitHub (and the answer kept a while).
func (tr *Tracker) releasesOf(ctx context.Context, gh Reads, p webhook.Parsed) ([]release.Key, error) {
	var keys []release.Key
	for _, n := range p.PRs {
		keys = append(keys, release.Key{Owner: p.Owner, Repo: p.Repo, PR: n})
	}
	if len(keys) > 0 || p.SHA == "" {
		return keys, nil
	}
	full := p.Owner + "/" + p.Repo
	names, err := tr.o.Index.ByCommit(ctx, full, p.SHA)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 && p.Ref != "" {
		if names, err = tr.o.Index.ByRef(ctx, full, strings.TrimPrefix(p.Ref, "refs/heads/")); err != nil {
			return nil, err
		}
	}
	if len(names) == 0 {
		neg := "nopr:" + full + ":" + p.SHA
		if _, known, _ := tr.o.Cache.CacheGet(ctx, neg); known {
			return nil, nil
		}
		prs, err := gh.PullsForCommit(ctx, p.Owner, p.Repo, p.SHA)
		if err != nil {
			return nil, err
		}
		for _, n := range prs {
			names = append(names, release.Key{Owner: p.Owner, Repo: p.Repo, PR: n}.String())
		}
		if len(names) == 0 {
			tr.o.Cache.CacheSet(ctx, neg, []byte("1"), 10*time.Minute)
		}
	}
	for _, n := range names {
		k, err := release.ParseKey(n)
		if err == nil {
			keys = append(keys, k)
		}
	}
	return keys, nil
}
