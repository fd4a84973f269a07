package worker

import (
	"context"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/tracker"
)

// The names callers used before the tracker and the queue types moved
// out of this package; each is the moved one.
type (
	// Delivery is one queue entry.
	Delivery = queue.Delivery
	// Dirty is a release owed a sync.
	Dirty = queue.Dirty
	// Place is a wish's place in a release's lock line.
	Place = queue.Place
	// SettleRequest is the payload of EventSettle.
	SettleRequest = queue.SettleRequest
	// RefreshRequest is the payload of EventRefresh.
	RefreshRequest = queue.RefreshRequest
	// GitHub is one installation's API.
	GitHub = tracker.GitHub
	// Clients gives the API of an installation.
	Clients = tracker.Clients
	// Prober runs one probe.
	Prober = tracker.Prober
	// MetricQuerier reads metric items' values.
	MetricQuerier = tracker.MetricQuerier
	// TargetChecker tells whether a probe target would be refused.
	TargetChecker = tracker.TargetChecker
)

// The synthetic events (queue's).
const (
	EventRefresh = queue.EventRefresh
	EventProbe   = queue.EventProbe
	EventSettle  = queue.EventSettle
	EventUnseen  = queue.EventUnseen
)

// The lock errors (queue's) and ErrNotTracked (release's).
var (
	ErrLockHeld   = queue.ErrLockHeld
	ErrLockLost   = queue.ErrLockLost
	ErrLockQueued = queue.ErrLockQueued
	ErrNotTracked = release.ErrNotTracked
)

// ParseKey reads "owner/repo#pr" (release.ParseKey).
func ParseKey(s string) (release.Key, error) { return release.ParseKey(s) }

// Store is what golive needs of Redis: the queue the worker reads, and
// every port of the tracker.
type Store interface {
	Read(ctx context.Context, consumer string, count int, block time.Duration) ([]Delivery, error)
	Claim(ctx context.Context, consumer string, minIdle time.Duration, count int) ([]Delivery, error)
	Ack(ctx context.Context, entry string) error
	Retry(ctx context.Context, d Delivery, due time.Time, cause error) error
	DeadLetter(ctx context.Context, d Delivery, cause error) error
	PromoteDue(ctx context.Context, now time.Time) (int, error)
	// Requeue puts up to max dead letters back on the queue.
	Requeue(ctx context.Context, max int) (int, error)
	tracker.Store
}

// trackerOptions gives the tracker its share of the worker's options, the
// one store serving as each of its ports.
func trackerOptions(o Options) tracker.Options {
	return tracker.Options{
		States: o.Store, Locks: o.Store, Index: o.Store, Marks: o.Store, Cache: o.Store, Queue: o.Store,
		GitHub: o.GitHub, Metrics: o.Metrics, Log: o.Log, Clock: o.Clock, Monotonic: o.Monotonic, Consumer: o.Consumer,
		Coalesce: o.Coalesce, MaxCoalesce: o.MaxCoalesce, SyncBackoff: o.RetryBase, LockTTL: o.LockTTL,
		ConfigTTL: o.ConfigTTL, Reconcile: o.Reconcile, LedgerKey: o.LedgerKey, Prober: o.Prober, Notifier: o.Notifier,
		DetailsURL: o.DetailsURL, Dashboard: o.Dashboard, WebURL: o.WebURL, HTTPStatus: o.HTTPStatus, OrderWindow: o.OrderWindow,
		SettleWindow: o.SettleWindow, UnseenAfter: o.UnseenAfter,
	}
}
