package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// Prober runs one probe.
type Prober interface {
	Run(ctx context.Context, p *checklist.Probe) release.ProbeResult
}

// MetricQuerier reads metric items' values. A Prober that also
// implements it (probe.Runner does) evaluates metric items on the probes'
// schedule, leases and queue; one that does not leaves them waiting.
type MetricQuerier interface {
	Metric(ctx context.Context, m *checklist.Metric) release.ProbeResult
}

// EventProbe is the synthetic event carrying a probe result through the
// queue, so it takes the webhooks' path: lock → Apply → effects.
const EventProbe = "golive.probe"

// ProbeResultEvent is the payload of EventProbe.
type ProbeResultEvent struct {
	Release      string              `json:"release"`
	Installation int64               `json:"installation"`
	Item         string              `json:"item"`
	Result       release.ProbeResult `json:"result"`
}

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
func (w *Worker) Probe(ctx context.Context) error {
	if w.o.Prober == nil {
		return nil
	}
	names, err := w.o.Store.Releases(ctx)
	if err != nil {
		return err
	}
	var due []dueProbe
	for _, n := range names {
		k, err := ParseKey(n)
		if err != nil {
			continue
		}
		d, err := w.dueProbes(ctx, k, false)
		if err != nil {
			w.o.Log.Warn("probes of a release", "release", n, "err", err)
			continue
		}
		due = append(due, d...)
	}
	w.runProbes(ctx, due)
	return nil
}

// ProbeNow runs every active probe of one release now.
func (w *Worker) ProbeNow(ctx context.Context, k release.Key) error {
	if w.o.Prober == nil {
		return nil
	}
	due, err := w.dueProbes(ctx, k, true)
	if err != nil {
		return err
	}
	w.runProbes(ctx, due)
	return nil
}

func (w *Worker) dueProbes(ctx context.Context, k release.Key, force bool) ([]dueProbe, error) {
	rec, _, rc, err := w.loadTracked(ctx, k)
	if err != nil || rec == nil || rec.State.Status == release.StatusClosed {
		return nil, err
	}
	s := rec.State
	now := w.o.Clock()
	var out []dueProbe
	for _, e := range rc.cfg.Flatten() {
		ev := e.Item.Evidence
		if ev == nil || (ev.Probe == nil && ev.Metric == nil) || !probeActive(s, e, now) {
			continue
		}
		var interval time.Duration
		if ev.Metric != nil {
			if _, ok := w.o.Prober.(MetricQuerier); !ok {
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
		got, err := w.o.Store.Lease(ctx, fmt.Sprintf("probe:%s:%s", k, e.Item.ID), lease)
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
func (w *Worker) runProbes(ctx context.Context, due []dueProbe) {
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
				res = w.o.Prober.(MetricQuerier).Metric(pctx, d.m)
				ok = release.JudgeMetric(d.m, res).OK // for the counter; Apply decides again
			} else {
				res = w.o.Prober.Run(pctx, d.p)
				kind, ok = d.p.Kind(), res.OK
			}
			b, _ := json.Marshal(ProbeResultEvent{Release: d.key.String(), Installation: d.inst, Item: d.item, Result: res})
			id := fmt.Sprintf("probe-%s-%s-%d", d.key, d.item, res.At.UnixNano())
			if _, err := w.o.Store.Enqueue(ctx, Delivery{ID: id, Event: EventProbe, Payload: b, Received: w.o.Clock()}); err != nil {
				w.o.Log.Error("queue probe result", "release", d.key.String(), "item", d.item, "err", err)
			}
			w.o.Metrics.Probes.WithLabelValues(kind, okLabel(ok)).Inc()
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
func (w *Worker) applyProbe(ctx context.Context, d Delivery) error {
	var pr ProbeResultEvent
	if err := json.Unmarshal(d.Payload, &pr); err != nil {
		return permanent(fmt.Errorf("probe result: %w", err))
	}
	k, err := ParseKey(pr.Release)
	if err != nil {
		return permanent(err)
	}
	return w.withLock(ctx, k.String(), func(ctx context.Context) error {
		rec, _, rc, err := w.loadTracked(ctx, k)
		if err != nil || rec == nil {
			return err
		}
		s, eff := release.Apply(rc.cfg, rec.State, release.Event{Kind: release.EvProbe, At: pr.Result.At, Key: k,
			Probe: &release.ProbeReport{Item: pr.Item, Result: pr.Result}})
		rec.State = s
		if err := w.save(ctx, rec); err != nil {
			return err
		}
		for _, e := range eff {
			if e.Kind == release.EffSync {
				_, _, err := w.o.Store.MarkDirty(ctx, k.String(), w.o.Clock(), w.o.Coalesce, w.o.MaxCoalesce)
				return err
			}
		}
		return nil
	})
}
