package worker

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestRetryScheduleFullJitter: the delay is rnd × min(cap, base·2^(n-1)),
// cut to end on the budget; past the budget the delivery gives up.
func TestRetryScheduleFullJitter(t *testing.T) {
	p := retryPolicy{Base: time.Second, Cap: 5 * time.Minute, Budget: time.Hour}
	first := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		attempt int
		since   time.Duration
		rnd     float64
		want    time.Duration
		ok      bool
	}{
		{"first failure, top of the range", 1, 0, 0.999999999, 999999999 * time.Nanosecond, true},
		{"first failure, half", 1, 0, 0.5, 500 * time.Millisecond, true},
		{"third failure doubles twice", 3, 10 * time.Second, 0.5, 2 * time.Second, true},
		{"ceiling capped", 12, 20 * time.Minute, 0.5, 150 * time.Second, true},
		{"huge attempt stays capped", 10000, 20 * time.Minute, 1, 5 * time.Minute, true},
		{"zero draw retries at once", 5, time.Minute, 0, 0, true},
		{"cut to the budget's end", 30, time.Hour - 10*time.Second, 1, 10 * time.Second, true},
		{"budget spent", 30, time.Hour, 0.5, 0, false},
		{"long past the budget", 2, 3 * time.Hour, 0.5, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := p.next(first, tc.attempt, first.Add(tc.since), tc.rnd)
			if got != tc.want || ok != tc.ok {
				t.Errorf("got %v %v, want %v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestRetryBudgetNotCount: with any draws, a delivery failing every time
// is retried until the budget from its first try is spent, however many
// attempts that takes, and never after.
func TestRetryBudgetNotCount(t *testing.T) {
	p := retryPolicy{Base: time.Second, Cap: 5 * time.Minute, Budget: time.Hour}
	first := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	draws := []float64{0.9, 0.1, 0.99, 0.5, 0.7, 0.3}
	now := first
	attempts := 0
	for attempts = 1; attempts < 10000; attempts++ {
		d, ok := p.next(first, attempts, now, draws[attempts%len(draws)])
		if !ok {
			break
		}
		now = now.Add(d)
	}
	if now.Sub(first) != time.Hour {
		t.Fatalf("gave up %v after the first try, want exactly the 1h budget", now.Sub(first))
	}
	if attempts <= 8 {
		t.Fatalf("gave up after %d attempts: the count, not the budget, decided", attempts)
	}
}

type netTimeout struct{}

func (netTimeout) Error() string   { return "i/o timeout" }
func (netTimeout) Timeout() bool   { return true }
func (netTimeout) Temporary() bool { return true }

func TestOutageKinds(t *testing.T) {
	status := func(err error) int {
		var se interface{ Status() int }
		if errors.As(err, &se) {
			return se.Status()
		}
		return 0
	}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{httpErr(503), true}, {httpErr(500), true}, {httpErr(502), true},
		{httpErr(404), false}, {httpErr(422), false}, {httpErr(429), false},
		{fmt.Errorf("get: %w", netTimeout{}), true},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), true},
		{errors.New("redis: connection refused"), false},
		{ErrLockHeld, false},
		{nil, false},
	} {
		if got := outage(tc.err, status); got != tc.want {
			t.Errorf("outage(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

type httpStatusErr int

func (e httpStatusErr) Error() string { return http.StatusText(int(e)) }
func (e httpStatusErr) Status() int   { return int(e) }

func httpErr(code int) error { return fmt.Errorf("call: %w", httpStatusErr(code)) }

func TestInstallationOf(t *testing.T) {
	for _, tc := range []struct {
		payload string
		want    int64
	}{
		{`{"action":"created","installation":{"id":42,"node_id":"x"}}`, 42},
		{`{"release":"a/b#1","installation":7}`, 7},
		{`{"action":"created"}`, 0},
		{`not json`, 0},
		{`{"installation":"nine"}`, 0},
	} {
		if got := installationOf(Delivery{Payload: []byte(tc.payload)}); got != tc.want {
			t.Errorf("installationOf(%s) = %d, want %d", tc.payload, got, tc.want)
		}
	}
}
