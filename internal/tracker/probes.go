package tracker

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
)

// dueProbe is a probe to run now.
type dueProbe struct {
	key  release.Key
	inst int64
	item string
	p    *checklist.Probe
	m    *checklist.Metric // set instead of p for a metric item
}

// Probe runs the probes that are due across the open releases: each at
// most once per interval across every replica, by a lease in Redis. With
// force it runs all of one release's probes now (Re-run probes).
func (tr *Tracker) Probe(ctx context.Context) error {
	if tr.o.Prober == nil {
		return nil
	}
	names, err := tr.o.States.Releases(ctx)
	if err != nil {
		return err
	}
	var due []dueProbe
	for _, n := range names {
		k, err := release.ParseKey(n)
		if err != nil {
			continue
		}
		d, err := tr.dueProbes(ctx, k, false)
		if err != nil {
			tr.o.Log.Warn("probes of a release", "release", n, "err", err)
			continue
		}
		due = append(due, d...)
	}
	tr.runProbes(ctx, due)
	return nil
}

// ProbeNow runs every active probe of one release now.
func (tr *Tracker) ProbeNow(ctx context.Context, k release.Key) error {
	if tr.o.Prober == nil {
		return nil
	}
	due, err := tr.dueProbes(ctx, k, true)
	if err != nil {
		return err
	}
	tr.runProbes(ctx, due)
	return nil
}

func (tr *Tracker) dueProbes(ctx context.Context, k release.Key, force bool) ([]dueProbe, error) {
	rec, _, rc, err := tr.loadTracked(ctx, k)
	if err != nil || rec == nil || rec.State.Status == release.StatusClosed {
		return nil, err
	}
	s := rec.State
	now := tr.o.Clock()
	var out []dueProbe
	for _, e := range rc.cfg.Flatten() {
		ev := e.Item.Evidence
		if ev == nil || (ev.Probe == nil && ev.Metric == nil) || !probeActive(s, e, now) {
			continue
		}
		var interval time.Duration
		if ev.Metric != nil {
			if _, ok := tr.o.Prober.(MetricQuerier); !ok {
				continue
			}
			interval = release.MetricInterval(ev.Metric)
		} else {
			interval = release.ProbeInterval(ev.Probe)
		}
		if h, ok := s.Probes[e.Item.ID]; ok && !force && now.Sub(h.Last.At) < interval {
			continue
		}
		lease := interval
		if force {
			lease = 5 * time.Second // a button press: once, not once per replica
		}
		got, err := tr.o.Cache.Lease(ctx, fmt.Sprintf("probe:%s:%s", k, e.Item.ID), lease)
		if err != nil {
			return nil, err
		}
		if got {
			out = append(out, dueProbe{key: k, inst: s.Installation, item: e.Item.ID, p: ev.Probe, m: ev.Metric})
		}
	}
	return out, nil
}

// probeActive says whether an item's probe runs now: pre-merge items while
// the PR is open; post-go-live items from the merge to the end of their
// window.
func probeActive(s *release.State, e checklist.Entry, now time.Time) bool {
	switch s.Status {
	case release.StatusOpen:
		return e.Phase == checklist.PhasePreMerge
	case release.StatusMerged:
		return e.Phase != checklist.PhasePreMerge && now.Before(s.MergedAt.Add(e.Phase.Window()))
	}
	return false
}

// runProbes runs due probes, eight at a time, and queues their results.
func (tr *Tracker) runProbes(ctx context.Context, due []dueProbe) {
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, d := range due {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			pctx := release.WithProbeRepo(ctx, d.key.Owner+"/"+d.key.Repo)
			var res release.ProbeResult
			kind, ok := "metric", false
			if d.m != nil {
				res = tr.o.Prober.(MetricQuerier).Metric(pctx, d.m)
				ok = release.JudgeMetric(d.m, res).OK // for the counter; Apply decides again
			} else {
				res = tr.o.Prober.Run(pctx, d.p)
				kind, ok = d.p.Kind(), res.OK
			}
			if _, err := tr.o.Queue.Enqueue(ctx, queue.ProbeResult(d.key, d.inst, d.item, res, tr.o.Clock())); err != nil {
				tr.o.Log.Error("queue probe result", "release", d.key.String(), "item", d.item, "err", err)
			}
			tr.o.Metrics.Probes.WithLabelValues(kind, okLabel(ok)).Inc()
		}()
	}
	wg.Wait()
}

func okLabel(ok bool) string {
	if ok {
		return "ok"
	}
	return "failed"
}

// applyProbe applies a queued probe result to its release.
func (tr *Tracker) applyProbe(ctx context.Context, d Delivery) error {
	var pr queue.ProbeResultEvent
	if err := json.Unmarshal(d.Payload, &pr); err != nil {
		return permanent(fmt.Errorf("probe result: %w", err))
	}
	k, err := release.ParseKey(pr.Release)
	if err != nil {
		return permanent(err)
	}
	return tr.withLock(ctx, k.String(), func(ctx context.Context) error {
		rec, gh, rc, err := tr.loadTracked(ctx, k)
		if err != nil || rec == nil {
			return err
		}
		s, eff := release.Apply(rc.cfg, rec.State, release.Event{Kind: release.EvProbe, At: pr.Result.At, Key: k,
			Probe: &release.ProbeReport{Item: pr.Item, Result: pr.Result}})
		rec.State = s
		return tr.commit(ctx, gh, rc, rec, change{id: d.ID, eff: eff, received: d.Received})
	})
}
