// Package tracker keeps golive's releases, one at a time: it routes an
// event to the release(s) it concerns, takes that release's lock (its
// lane), loads its record, applies the event with release.Apply (the pure
// core), and carries out the effects through one executor, commit, which
// every path shares: webhook events, reconciles, probe results and the
// merge-queue and deployment gates. It owns the narrow interfaces it needs
// of storage and GitHub (ports.go); trackertest fakes them in memory.
package tracker

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ag06mixer/golive/internal/metrics"
	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
)

// Options configure a Tracker. Zero values take the defaults noted; the
// worker's Options document each timing.
type Options struct {
	States States
	Locks  Locks
	Index  Index
	Marks  Marks
	Cache  Cache
	Queue  Queue
	GitHub Clients

	Metrics *metrics.Metrics
	Log     *slog.Logger
	// Clock reads the time golive judges by (default time.Now).
	Clock func() time.Time
	// Monotonic reads the time waits are measured by: the lock line's
	// order window and deadline, and the sync backoff (default time.Now).
	// It is apart from Clock so a test may hold Clock still while locks
	// still pass on.
	Monotonic func() time.Time
	// Consumer names this replica; lock tokens start with it.
	Consumer string

	Coalesce, MaxCoalesce time.Duration
	// SyncBackoff is the first pause after a failed sync (default 1s).
	SyncBackoff  time.Duration
	LockTTL      time.Duration
	ConfigTTL    time.Duration
	Reconcile    time.Duration
	LedgerKey    []byte
	Prober       Prober
	DetailsURL   func(release string) string
	WebURL       string
	HTTPStatus   func(error) int
	OrderWindow  time.Duration
	SettleWindow time.Duration
	UnseenAfter  time.Duration

	// Notifier posts release events to a chat channel; nil posts none.
	Notifier Notifier
	// CapSyncs bounds the syncs made due at a release's coalescing cap
	// that run on their own, off the event workers (capsync.go; default
	// DefaultCapSyncs).
	CapSyncs int
	// FlushSyncs bounds the syncs the flusher runs at once, the releases
	// whose quiet window has passed (flush.go; default DefaultFlushSyncs).
	FlushSyncs int

	// Dashboard is the dashboard's public root (https://golive.example.com):
	// each done item of a tracking issue links to its evidence on the
	// release's page there. "" links each to its evidence on GitHub.
	Dashboard string
}

// Tracker keeps the releases.
type Tracker struct {
	o        Options
	cfgs     configCache
	backoff  syncBackoff
	receipts atomic.Pointer[receiptSigner]
	caps     *capSyncs
}

// Options are the tracker's options with its defaults filled in: the
// worker takes the ones it shares (clock, log, metrics, consumer, the
// reconcile interval) from here.
func (t *Tracker) Options() Options { return t.o }

// New returns a tracker with defaults filled in.
func New(o Options) *Tracker {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Monotonic == nil {
		o.Monotonic = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Metrics == nil {
		o.Metrics = metrics.New()
	}
	if o.Consumer == "" {
		o.Consumer = "t-" + randomHex(6)
	}
	o.Coalesce = max(o.Coalesce, 0)
	if o.MaxCoalesce < o.Coalesce {
		o.MaxCoalesce = 5 * o.Coalesce
	}
	if o.SyncBackoff <= 0 {
		o.SyncBackoff = time.Second
	}
	if o.LockTTL <= 0 {
		o.LockTTL = 30 * time.Second
	}
	if o.ConfigTTL <= 0 {
		o.ConfigTTL = time.Minute
	}
	if o.Reconcile == 0 {
		o.Reconcile = 10 * time.Minute
	}
	if o.OrderWindow == 0 {
		o.OrderWindow = 100 * time.Millisecond
	}
	o.OrderWindow = max(o.OrderWindow, 0)
	if o.UnseenAfter <= 0 {
		o.UnseenAfter = 30 * time.Second
	}
	if o.SettleWindow <= 0 {
		o.SettleWindow = 30 * time.Second
	}
	if o.WebURL == "" {
		o.WebURL = "https://github.com"
	}
	o.WebURL = strings.TrimSuffix(o.WebURL, "/")
	if o.CapSyncs <= 0 {
		o.CapSyncs = DefaultCapSyncs
	}
	if o.FlushSyncs <= 0 {
		o.FlushSyncs = DefaultFlushSyncs
	}
	return &Tracker{o: o, cfgs: configCache{m: map[string]repoConfig{}}, caps: newCapSyncs(o.CapSyncs)}
}

// ParseKey reads "owner/repo#pr" (release.ParseKey).
func ParseKey(s string) (release.Key, error) { return release.ParseKey(s) }

// ErrNotTracked means golive does not track the pull request as a release.
var ErrNotTracked = release.ErrNotTracked

// Delivery is a queue entry (queue.Delivery).
type Delivery = queue.Delivery

// ErrPermanent marks failures a retry cannot fix (a malformed payload):
// the worker dead-letters them at once.
var ErrPermanent = errors.New("permanent failure")

func permanent(err error) error { return fmt.Errorf("%w: %w", ErrPermanent, err) }

// backoff is base, 2×base, 4×base … capped at 5 minutes.
func backoff(base time.Duration, attempt int) time.Duration {
	d := base << min(max(attempt-1, 0), 12)
	return min(d, 5*time.Minute)
}
