package githubapi

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Clock is the time source of the rate-limit transport; tests slow it
// down or observe it. Sleep returns early, with ctx's error, when ctx is
// done first: a request given up on does not wait out a rate limit.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// SecondaryMinWait is how long golive waits on a secondary rate limit
// that names no Retry-After or reset (GitHub's docs, seen 2026-11: "wait
// at least one minute").
const SecondaryMinWait = time.Minute

// RateLimited is a transport that honours GitHub's rate limits. After a
// 403 or 429 with Retry-After it sends nothing until that time; when
// x-ratelimit-remaining reaches 0 it sends nothing until x-ratelimit-reset;
// on a secondary limit with neither header it waits SecondaryMinWait,
// doubling on repeats. Mutating requests are serialized, as GitHub asks
// of integrations to avoid secondary limits.
type RateLimited struct {
	Base  http.RoundTripper
	Clock Clock
	// MaxWait caps a single wait; a longer one fails the request with
	// ErrRateLimited instead of blocking a worker for an hour.
	MaxWait time.Duration

	mu       sync.Mutex
	until    time.Time
	backoff  time.Duration
	onUpdate func(remaining int)

	// writes holds one token while a mutating request is in flight: a
	// channel, not a mutex, so that a request whose context ends while it
	// waits for its turn gives up instead of queueing on.
	writesOnce sync.Once
	writes     chan struct{}
}

// ErrRateLimited is returned when the wait would exceed MaxWait.
type ErrRateLimited struct{ Until time.Time }

func (e *ErrRateLimited) Error() string {
	return "GitHub rate limit: no requests until " + e.Until.UTC().Format(time.RFC3339)
}

// RoundTrip implements http.RoundTripper.
func (t *RateLimited) RoundTrip(r *http.Request) (*http.Response, error) {
	clock := t.Clock
	if clock == nil {
		clock = realClock{}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		t.writesOnce.Do(func() { t.writes = make(chan struct{}, 1) })
		select {
		case t.writes <- struct{}{}:
			defer func() { <-t.writes }()
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	for attempt := 0; ; attempt++ {
		for {
			t.mu.Lock()
			wait := t.until.Sub(clock.Now())
			t.mu.Unlock()
			if wait <= 0 {
				break
			}
			if t.MaxWait > 0 && wait > t.MaxWait {
				return nil, &ErrRateLimited{Until: clock.Now().Add(wait)}
			}
			if err := clock.Sleep(r.Context(), wait); err != nil {
				return nil, err
			}
		}
		resp, err := t.Base.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		t.observe(resp, clock.Now())
		if attempt > 0 || !retriable(r, resp) {
			return resp, nil
		}
		// GitHub's 502/503/504 are mostly momentary: a read is sent once
		// more, at once, rather than failing a whole sync for it. Writes
		// are not: they hold the installation's write lock, and the sync
		// that owns them retries with its own backoff. A pause here would
		// block a worker; at a 20 % fault rate over a storm that stalled
		// the queue (the full-size faults scenario, 2026-11-27).
		resp.Body.Close()
		r = r.Clone(r.Context())
	}
}

// retriable reports whether a request may be sent again at once after
// resp: a gateway error on a read.
func retriable(r *http.Request, resp *http.Response) bool {
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
	default:
		return false
	}
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && r.Context().Err() == nil
}

func (t *RateLimited) observe(resp *http.Response, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	h := resp.Header
	if rem := h.Get("X-RateLimit-Remaining"); rem != "" {
		if n, err := strconv.Atoi(rem); err == nil {
			if t.onUpdate != nil {
				t.onUpdate(n)
			}
			if n == 0 {
				if reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
					t.hold(time.Unix(reset, 0).Add(time.Second))
				}
			}
		}
	}
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		if resp.StatusCode < 300 {
			t.backoff = 0
		}
		return
	}
	if ra := h.Get("Retry-After"); ra != "" {
		if secs, err := strconv.Atoi(ra); err == nil {
			t.hold(now.Add(time.Duration(secs) * time.Second))
			return
		}
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		return // held until reset above
	}
	if resp.StatusCode == http.StatusTooManyRequests || isSecondary(resp) {
		if t.backoff == 0 {
			t.backoff = SecondaryMinWait
		} else {
			t.backoff *= 2
		}
		t.hold(now.Add(t.backoff))
	}
}

func (t *RateLimited) hold(until time.Time) {
	if until.After(t.until) {
		t.until = until
	}
}

// isSecondary tells a secondary-limit 403 from a permission 403 by the
// header GitHub sends with it; without the body we cannot read the message,
// so a 403 with neither rate header counts as a permission error.
func isSecondary(resp *http.Response) bool {
	return resp.Header.Get("X-RateLimit-Remaining") != "" || resp.Header.Get("Retry-After") != ""
}
