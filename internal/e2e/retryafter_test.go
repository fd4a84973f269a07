package e2e

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
)

// sentInsideRetryAfter names the requests that broke the Retry-After of
// the 429 r, from the requests that started after it (in order), or "".
//
// A request that starts at the fake after the 429 was written may have
// passed golive's gate before golive read the answer: reads run side by
// side, and under the race detector on two busy cores one has taken 7 ms
// (CI, 2026-11-27) and 100 ms (CI, 2026-12-03) to arrive. Such stragglers
// were in flight already, so there are a few, and they come early: up to
// maxStragglers may start between 100 ms after the 429 and half its
// Retry-After, and none in the second half (until 50 ms before it ends).
// A gate that lets requests through sends one every few milliseconds in
// the storm, so it breaks both.
func sentInsideRetryAfter(r githubfake.Request, later []githubfake.Request) string {
	const maxStragglers = 4
	early, late := []string{}, []string{}
	for _, next := range later {
		after := next.Start.Sub(r.At)
		desc := fmt.Sprintf("%s %s %v after", next.Method, next.Path, after.Round(time.Millisecond))
		switch {
		case after <= 100*time.Millisecond:
		case after < r.RetryAfter/2:
			early = append(early, desc)
		case after < r.RetryAfter-50*time.Millisecond:
			late = append(late, desc)
		}
	}
	if len(early) <= maxStragglers && len(late) == 0 {
		return ""
	}
	return fmt.Sprintf("a 429 at %s asking for %v: %d requests started in its first half (%d allowed, in flight already), %d in its second: %q %q",
		r.At.Format("15:04:05.000"), r.RetryAfter, len(early), maxStragglers, len(late), early, late)
}

// answered429 reports whether the fake answered a request with a 429.
func answered429(h *harness) bool {
	return slices.ContainsFunc(h.fake.Log(), func(r githubfake.Request) bool { return r.Status == 429 })
}

// TestSentInsideRetryAfter: the check passes the stragglers a 429 can
// have and fails a gate that lets requests through.
func TestSentInsideRetryAfter(t *testing.T) {
	at := time.Date(2026, 12, 3, 16, 0, 0, 0, time.UTC)
	r := githubfake.Request{Status: 429, At: at, RetryAfter: time.Second}
	starts := func(ms ...int) []githubfake.Request {
		var out []githubfake.Request
		for _, m := range ms {
			out = append(out, githubfake.Request{Method: "GET", Path: "/x", Start: at.Add(time.Duration(m) * time.Millisecond)})
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		later []githubfake.Request
		ok    bool
	}{
		{"none", nil, true},
		{"in flight as the 429 was written", starts(1, 7, 60, 99), true},
		{"four stragglers in the first half", starts(120, 150, 300, 499), true},
		{"after the Retry-After", starts(960, 1000, 1200), true},
		{"five in the first half", starts(120, 150, 300, 400, 499), false},
		{"one in the second half", starts(700), false},
		{"a gate letting requests through", starts(110, 130, 150, 170, 190, 210, 230, 500, 600, 700, 800, 900), false},
	} {
		if got := sentInsideRetryAfter(r, tc.later); (got == "") != tc.ok {
			t.Errorf("%s: %q, want ok %v", tc.name, got, tc.ok)
		}
	}
}
