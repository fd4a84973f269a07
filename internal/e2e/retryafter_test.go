package e2e

import (
	"fmt"
	"slices"
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
