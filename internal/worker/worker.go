// Package worker is golive's queue loop: it reads the delivery stream
// (new entries, and entries another replica left unacknowledged), hands
// each to the tracker, which applies it to its release, then acknowledges
// it, retries it after a jittered delay or dead-letters it, with a circuit
// breaker per installation. It runs the periodic passes too: due retries
// and syncs, probes, the reconcile sweep.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ag06mixer/golive/internal/metrics"
	"github.com/ag06mixer/golive/internal/tracker"
)

// Options configure a Worker. Zero values take the defaults noted.
type Options struct {
	Store   Store
	GitHub  Clients
	Metrics *metrics.Metrics
	Log     *slog.Logger
	// Clock reads the time golive judges by (default time.Now).
	Clock func() time.Time
	// Monotonic reads the time waits are measured by (default time.Now);
	// see tracker.Options.
	Monotonic func() time.Time
	// Consumer names this replica in the consumer group (default random).
	Consumer string
	// Workers is the number of concurrent handlers (default 8).
	Workers int
	// Coalesce is the quiet time before a release's GitHub objects are
	// synced after a change (default 2s); MaxCoalesce caps the delay
	// under a steady stream (default 10s). Zero Coalesce syncs at once.
	Coalesce, MaxCoalesce time.Duration
	// RetryBase is the ceiling of the first retry delay; each retry
	// doubles it, up to RetryCap (default 1s, 5 minutes). Delays are
	// drawn uniformly below the ceiling (full jitter; see retry.go).
	RetryBase, RetryCap time.Duration
	// RetryBudget is how long after its first try a failing delivery is
	// retried before it goes to the dead letters (default 1 hour).
	RetryBudget time.Duration
	// BreakerThreshold GitHub outage failures in a row (5xx, timeouts)
	// open an installation's circuit breaker for BreakerCooldown, doubled
	// after each failed trial up to 5 minutes (defaults 5, 30s).
	BreakerThreshold int
	BreakerCooldown  time.Duration
	// ClaimIdle is how long an entry may sit unacknowledged with a
	// consumer before another claims it (default 1 minute).
	ClaimIdle time.Duration
	// LockTTL bounds how long a dead holder blocks a release (default 30s).
	LockTTL time.Duration
	// ConfigTTL is how long a repo config is used before it is re-read
	// (default 1 minute).
	ConfigTTL time.Duration
	// Reconcile is the period of the sweep over open releases (default
	// 10 minutes; negative disables it).
	Reconcile time.Duration
	// LedgerKey signs the ledger in tracking issues.
	LedgerKey []byte
	// Prober runs probes; nil runs none.
	Prober Prober
	// Notifier posts release events to a chat channel; nil posts none.
	Notifier tracker.Notifier
	// ProbeEvery is how often due probes are looked for (default 5s).
	ProbeEvery time.Duration
	// DetailsURL, when set, gives the check run's details link of a
	// release (the dashboard); the tracking issue otherwise.
	DetailsURL func(release string) string
	// Dashboard is the dashboard's public root: see tracker.Options.
	Dashboard string
	// WebURL is GitHub's web root, for links (default https://github.com;
	// the host itself on GitHub Enterprise Server).
	WebURL string
	// HTTPStatus reads the HTTP status GitHub answered from an error of
	// the GitHub port (0 when it carries none). It lets golive tell a
	// write GitHub refuses for good (422, a deleted issue's 404 or 410)
	// from one worth retrying. Nil knows no status: every failure is
	// retried.
	HTTPStatus func(error) int
	// OrderWindow is how long after its receipt an event waits for
	// events made before it, delivered a little later, to join its
	// release's line (default 100ms; negative: none). See lane.go.
	OrderWindow time.Duration
	// SettleWindow is how long an approval that came before the
	// sign-offs it waits for stays pending before it is refused (default
	// 30s).
	SettleWindow time.Duration
	// UnseenAfter is how long golive waits for the issues.edited event of
	// a box someone changed before it reads the edit history to
	// judge the change itself (default 30s).
	UnseenAfter time.Duration
	// ShutdownGrace bounds how long in-flight work may finish after Run's
	// context ends (default 20s).
	ShutdownGrace time.Duration
	// IngestBusy, when set, reports the webhook ingest saturated: the
	// workers then step down (stepdown.go), an entry that waited in the
	// queue past OrderWindow handed out only when none is in hand or after
	// StepDownWait (default 100ms).
	IngestBusy   func() bool
	StepDownWait time.Duration
}

// Worker processes the queue. The tracker's methods (Handle, Reconcile,
// Discover, Overview, Snapshot, Receipts, UseReceipts …) are its own.
type Worker struct {
	*tracker.Tracker
	o       Options
	retry   retryPolicy
	breaker *breaker
	// inHand counts the entries handed to the handlers and not finished.
	inHand atomic.Int64
	// restUntil is when the workers' rest after the last entry ends, as
	// an offset from base on the Monotonic clock (stepdown.go).
	base      time.Time
	restUntil atomic.Int64
}

// New returns a worker with defaults filled in. The tracker fills the
// options it shares with the worker (clock, log, metrics, consumer, the
// reconcile interval) and its own; the worker takes those back from it,
// so each default is written once.
func New(o Options) *Worker {
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.RetryBase <= 0 {
		o.RetryBase = DefaultRetryBase
	}
	if o.RetryCap <= 0 {
		o.RetryCap = DefaultRetryCap
	}
	if o.RetryBudget <= 0 {
		o.RetryBudget = DefaultRetryBudget
	}
	if o.BreakerThreshold <= 0 {
		o.BreakerThreshold = DefaultBreakerThreshold
	}
	if o.BreakerCooldown <= 0 {
		o.BreakerCooldown = DefaultBreakerCooldown
	}
	if o.ClaimIdle <= 0 {
		o.ClaimIdle = time.Minute
	}
	if o.ProbeEvery <= 0 {
		o.ProbeEvery = 5 * time.Second
	}
	if o.ShutdownGrace <= 0 {
		o.ShutdownGrace = 20 * time.Second
	}
	if o.StepDownWait <= 0 {
		o.StepDownWait = DefaultStepDownWait
	}
	t := tracker.New(trackerOptions(o))
	shared := t.Options()
	o.Clock, o.Monotonic, o.Log, o.Metrics, o.Consumer = shared.Clock, shared.Monotonic, shared.Log, shared.Metrics, shared.Consumer
	o.OrderWindow = shared.OrderWindow
	o.Reconcile = shared.Reconcile
	w := &Worker{Tracker: t, o: o, base: o.Monotonic(),
		retry: retryPolicy{Base: o.RetryBase, Cap: o.RetryCap, Budget: o.RetryBudget}}
	w.breaker = newBreaker(o)
	return w
}

// DefaultOptions are the production timings, for callers that set only
// the dependencies.
func DefaultOptions() Options {
	return Options{Coalesce: 2 * time.Second, MaxCoalesce: 10 * time.Second}
}

// Run processes the queue until ctx ends, then stops reading and lets
// in-flight work finish within ShutdownGrace. Entries it could not finish
// stay pending and are claimed by another replica.
func (w *Worker) Run(ctx context.Context) error {
	// Work runs on its own context: cancelling ctx stops the reading, and
	// work then has ShutdownGrace to finish.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	jobs := make(chan Delivery)
	var wg sync.WaitGroup
	for range w.o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range jobs {
				func() {
					defer w.finished(w.o.Monotonic())
					w.process(work, d)
				}()
			}
		}()
	}
	var loops sync.WaitGroup
	loops.Add(3)
	go func() {
		defer loops.Done()
		w.every(ctx, w.o.ProbeEvery, func(ctx context.Context) {
			if err := w.Probe(ctx); err != nil && ctx.Err() == nil {
				w.o.Log.Error("probes", "err", err)
			}
		})
	}()
	go func() { defer loops.Done(); w.every(ctx, 100*time.Millisecond, w.tick) }()
	go func() {
		defer loops.Done()
		if w.o.Reconcile > 0 {
			w.every(ctx, w.o.Reconcile, func(ctx context.Context) {
				if err := w.SweepRedis(ctx); err != nil {
					w.o.Log.Error("reconcile sweep", "err", err)
				}
			})
		}
	}()
	w.read(ctx, jobs)
	stopping := w.o.Monotonic()
	close(jobs)
	loops.Wait()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-after(w.o.ShutdownGrace):
		w.o.Log.Warn("shutdown grace over; unfinished entries stay pending for another replica")
		cancelWork()
		<-done
	}
	// The syncs handed to the cap pool get what is left of the grace;
	// one cut short leaves its mark for the flusher.
	w.StopCapSyncs(max(w.o.ShutdownGrace-w.o.Monotonic().Sub(stopping), 0))
	return nil
}

// read feeds jobs from the stream: new entries first, and entries another
// consumer left unacknowledged for ClaimIdle.
func (w *Worker) read(ctx context.Context, jobs chan<- Delivery) {
	lastClaim := time.Time{}
	for ctx.Err() == nil {
		var batch []Delivery
		var err error
		if w.o.Monotonic().Sub(lastClaim) > w.o.ClaimIdle/2 {
			lastClaim = w.o.Monotonic()
			batch, err = w.o.Store.Claim(ctx, w.o.Consumer, w.o.ClaimIdle, w.o.Workers)
			if err != nil && ctx.Err() == nil {
				w.o.Log.Error("claim stale entries", "err", err)
			}
		}
		if len(batch) == 0 {
			batch, err = w.o.Store.Read(ctx, w.o.Consumer, w.o.Workers, time.Second)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				w.o.Log.Error("read queue", "err", err)
				sleep(ctx, time.Second) // Redis is down: try again, gently
				continue
			}
		}
		for _, d := range batch {
			w.admit(ctx, d)
			w.inHand.Add(1)
			select {
			case jobs <- d:
			case <-ctx.Done():
				w.inHand.Add(-1)
				return // entries not handed out stay pending: claimed later
			}
		}
	}
}

func (w *Worker) every(ctx context.Context, d time.Duration, fn func(context.Context)) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := tracker.Recover(func() error { fn(ctx); return nil }); err != nil {
				w.o.Metrics.Panics.WithLabelValues("loop").Inc()
				w.o.Log.Error("panic in a periodic pass; it runs again next period", "err", err)
			}
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-after(d):
	}
}

// after is time.After with its timer stopped by the garbage collector;
// it reads no clock.
func after(d time.Duration) <-chan time.Time { return time.NewTimer(d).C }

// tick promotes due retries, flushes due syncs and refreshes the gauges.
func (w *Worker) tick(ctx context.Context) {
	now := w.o.Clock()
	if _, err := w.o.Store.PromoteDue(ctx, now); err != nil && ctx.Err() == nil {
		w.o.Log.Error("promote retries", "err", err)
	}
	if _, err := w.Flush(ctx); err != nil && ctx.Err() == nil {
		w.o.Log.Error("flush syncs", "err", err)
	}
}

// process handles one entry and settles it: ack, retry or dead letter.
func (w *Worker) process(ctx context.Context, d Delivery) {
	start := w.o.Monotonic()
	log := w.o.Log.With("delivery", d.ID, "event", d.Event, "attempt", d.Attempt)
	if w.paused(ctx, d, log) {
		return
	}
	outcome, err := w.handleSafely(ctx, d)
	var pe *tracker.PanicError
	if errors.As(err, &pe) {
		w.o.Metrics.Panics.WithLabelValues("event").Inc()
		log.Error("panic while handling the event; dead-lettering it", "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
	}
	w.o.Metrics.ProcessSeconds.WithLabelValues(d.Event).Observe(w.o.Monotonic().Sub(start).Seconds())
	if err == nil {
		if aerr := w.o.Store.Ack(ctx, d.Entry); aerr != nil {
			log.Error("ack", "err", aerr) // stays pending; reclaimed and re-applied idempotently
		}
		w.answered(ctx, d)
	} else {
		outcome = w.settleFailure(ctx, d, err, pe != nil, log)
	}
	w.o.Metrics.Processed.WithLabelValues(d.Event, outcome).Inc()
	log.Info("delivery handled", "outcome", outcome, "duration", w.o.Monotonic().Sub(start))
}

// handleSafely is Handle with a panic turned into an error.
func (w *Worker) handleSafely(ctx context.Context, d Delivery) (outcome string, err error) {
	err = tracker.Recover(func() error {
		var herr error
		outcome, herr = w.Handle(ctx, d)
		return herr
	})
	return outcome, err
}
