package redeliver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ag06mixer/golive/internal/metrics"
)

// Store is what the sweeper keeps in Redis: the lease that lets one
// replica sweep at a time, the GUIDs it asked for, and the mark of its
// last clean sweep.
type Store interface {
	// TakeLease sets name to token for ttl unless it is held (SET NX PX).
	TakeLease(ctx context.Context, name, token string, ttl time.Duration) (bool, error)
	// RenewLease extends the lease if token still holds it.
	RenewLease(ctx context.Context, name, token string, ttl time.Duration) (bool, error)
	// DropLease frees the lease if token still holds it, never another's.
	DropLease(ctx context.Context, name, token string) error
	// Asked reports which of guids were asked for.
	Asked(ctx context.Context, guids []string) (map[string]bool, error)
	// MarkAsked records guid as asked for, for ttl; false when it already was.
	MarkAsked(ctx context.Context, guid string, ttl time.Duration) (bool, error)
	// UnmarkAsked forgets guid, when asking for it failed.
	UnmarkAsked(ctx context.Context, guid string) error
	// SweepMark is when the last clean sweep started; zero when none.
	SweepMark(ctx context.Context) (time.Time, error)
	SetSweepMark(ctx context.Context, at time.Time) error
}

// GitHub is the App's delivery log.
type GitHub interface {
	// HookDeliveries reads one page of the App's deliveries, newest first,
	// from cursor ("" for the newest); next is "" after the last page.
	HookDeliveries(ctx context.Context, cursor string) (page []Delivery, next string, err error)
	// Redeliver asks GitHub to deliver attempt id again.
	Redeliver(ctx context.Context, id int64) error
}

// ErrRefused wraps GitHub's final no to a redelivery (404 gone, 422 too
// old): asking again would get the same answer.
var ErrRefused = errors.New("GitHub refused the redelivery")

// leaseName is the Redis lease one sweeping replica holds.
const leaseName = "redeliver"

// AskedTTL is how long a GUID asked for is remembered: past the window,
// so it is never asked for twice while GitHub could still redeliver it.
const AskedTTL = Window + 24*time.Hour

// Options configure a Sweeper.
type Options struct {
	Store   Store
	GitHub  GitHub
	Metrics *metrics.Metrics
	Log     *slog.Logger
	// Every is the period of Run (GOLIVE_REDELIVER_EVERY); 0 or less
	// turns the loop off (Sweep still works).
	Every time.Duration
	// Window defaults to GitHub's three days (tests shorten it).
	Window time.Duration
	// MaxPages bounds one sweep's reading (default 100 pages of 100).
	MaxPages int
	// LeaseTTL is how long a sweeper that died holds the others off
	// (default 2 minutes); a live one renews it at every step.
	LeaseTTL time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Sweeper asks GitHub again for what golive did not take.
type Sweeper struct {
	o       Options
	token   string
	started time.Time
}

// New makes a sweeper with a token of its own for the lease.
func New(o Options) *Sweeper {
	if o.Window <= 0 {
		o.Window = Window
	}
	if o.MaxPages <= 0 {
		o.MaxPages = 100
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = 2 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	var b [12]byte
	rand.Read(b[:])
	return &Sweeper{o: o, token: hex.EncodeToString(b[:]), started: o.Now()}
}

// Result says what one sweep did.
type Result struct {
	// Swept is false when another replica held the lease.
	Swept bool
	// Pages and Read count the list pages and attempts read.
	Pages, Read int
	// Asked counts redeliveries GitHub accepted, Refused those it refused
	// for good, Errors those that failed and are left for the next sweep.
	Asked, Refused, Errors int
	// Truncated is set when MaxPages stopped the reading short.
	Truncated bool
}

// Run sweeps at once, then every Every, until ctx ends.
func (s *Sweeper) Run(ctx context.Context) {
	if s.o.Every <= 0 {
		return
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		res, err := s.Sweep(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.o.Log.Warn("redelivery sweep failed; the next one starts where this one began", "err", err, "asked", res.Asked)
		case res.Asked+res.Refused > 0:
			s.o.Log.Info("redelivery sweep", "pages", res.Pages, "read", res.Read, "asked", res.Asked, "refused", res.Refused)
		}
		t.Reset(s.o.Every)
	}
}

// Sweep reads the App's deliveries back to the last clean sweep (less
// Overlap) or the window, and asks once for each one golive did not take.
// Only a sweep with no failed ask moves the mark; a failed ask is
// forgotten, so the next sweep asks for it.
func (s *Sweeper) Sweep(ctx context.Context) (Result, error) {
	var res Result
	st := s.o.Store
	ok, err := st.TakeLease(ctx, leaseName, s.token, s.o.LeaseTTL)
	if err != nil {
		return res, fmt.Errorf("take the redelivery lease: %w", err)
	}
	if !ok {
		return res, nil
	}
	defer st.DropLease(context.WithoutCancel(ctx), leaseName, s.token)
	res.Swept = true
	start := s.o.Now()
	mark, err := st.SweepMark(ctx)
	if err != nil {
		return res, err
	}
	since := Since(start, mark, s.o.Window)
	var read []Delivery
	cursor := ""
	for {
		if res.Pages == s.o.MaxPages {
			res.Truncated = true
			break
		}
		if err := s.renew(ctx); err != nil {
			return res, err
		}
		page, next, err := s.o.GitHub.HookDeliveries(ctx, cursor)
		if err != nil {
			return res, fmt.Errorf("list the App's webhook deliveries: %w", err)
		}
		res.Pages++
		read = append(read, page...)
		if next == "" || Done(page, since) {
			break
		}
		cursor = next
	}
	res.Read = len(read)
	failed := Failed(read, start, s.o.Window)
	asked, err := st.Asked(ctx, Slots(read, failed))
	if err != nil {
		return res, err
	}
	for _, d := range Plan(read, asked, start, s.o.Window) {
		if err := s.renew(ctx); err != nil {
			return res, err
		}
		slot := Slot(read, d.GUID)
		first, err := st.MarkAsked(ctx, slot, AskedTTL)
		if err != nil {
			return res, err
		}
		if !first {
			continue // asked since Asked was read
		}
		err = s.o.GitHub.Redeliver(ctx, d.ID)
		switch {
		case err == nil:
			res.Asked++
			s.count("accepted")
			s.o.Log.Info("asked GitHub to redeliver", "delivery", d.GUID, "ask", slot, "attempt", d.ID, "event", d.Event, "status", d.StatusCode, "at", d.At)
		case errors.Is(err, ErrRefused):
			res.Refused++
			s.count("refused")
			s.o.Log.Warn("GitHub refused a redelivery", "delivery", d.GUID, "attempt", d.ID, "err", err)
		default:
			res.Errors++
			s.count("error")
			if uerr := st.UnmarkAsked(context.WithoutCancel(ctx), slot); uerr != nil {
				return res, fmt.Errorf("redeliver %s: %w; and forget it: %w", d.GUID, err, uerr)
			}
			s.o.Log.Warn("redelivery request failed; the next sweep asks again", "delivery", d.GUID, "err", err)
		}
	}
	if res.Truncated {
		s.o.Log.Warn("redelivery sweep read its page limit before the end of the window; older deliveries are not asked for", "pages", res.Pages, "since", since)
	}
	if res.Errors > 0 {
		return res, fmt.Errorf("%d redelivery requests failed", res.Errors)
	}
	if err := st.SetSweepMark(ctx, start); err != nil {
		return res, err
	}
	return res, nil
}

// renew keeps the lease for the next step, or says it was lost.
func (s *Sweeper) renew(ctx context.Context) error {
	held, err := s.o.Store.RenewLease(ctx, leaseName, s.token, s.o.LeaseTTL)
	if err != nil {
		return fmt.Errorf("renew the redelivery lease: %w", err)
	}
	if !held {
		return errors.New("the redelivery lease expired and another replica holds it")
	}
	return nil
}

func (s *Sweeper) count(outcome string) {
	if s.o.Metrics != nil {
		s.o.Metrics.Redeliveries.WithLabelValues(outcome).Inc()
	}
}

// Lag is how long ago the last clean sweep started, on any replica (or,
// before the first, since this sweeper was made): a failed delivery older
// than that is asked for; a newer one waits for the next sweep.
func (s *Sweeper) Lag(ctx context.Context) (time.Duration, error) {
	mark, err := s.o.Store.SweepMark(ctx)
	if err != nil {
		return 0, err
	}
	if mark.IsZero() {
		mark = s.started
	}
	return max(s.o.Now().Sub(mark), 0), nil
}
