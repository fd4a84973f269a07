package release_test

import (
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// TestExpiryAndFinish: a release expires keep after golive stopped
// following it (30 days after a merge, at the close of an unmerged PR),
// never while open; it is due to finish once, after its last window.
func TestExpiryAndFinish(t *testing.T) {
	keep := 14 * 24 * time.Hour
	day := 24 * time.Hour
	open := release.New(dutyKey)
	merged := release.New(dutyKey)
	merged.Status, merged.MergedAt = release.StatusMerged, t0
	closed := release.New(dutyKey)
	closed.Status, closed.OpenedAt, closed.PRAt = release.StatusClosed, t0, t0.Add(2*day)
	for _, tc := range []struct {
		name string
		s    *release.State
		want time.Time
		ok   bool
	}{
		{"open", open, time.Time{}, false},
		{"merged", merged, t0.Add(44 * day), true},
		{"closed unmerged", closed, t0.Add(16 * day), true},
	} {
		got, ok := release.ExpiresAt(tc.s, keep)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("%s: expires %v (%v), want %v (%v)", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	if release.DueToFinish(merged, t0.Add(30*day-time.Second)) {
		t.Error("due to finish before the 30-day window closed")
	}
	if !release.DueToFinish(merged, t0.Add(30*day)) {
		t.Error("not due to finish when the 30-day window closed")
	}
	done := release.Finish(merged, t0.Add(30*day))
	if release.DueToFinish(done, t0.Add(31*day)) || !done.Finished() || merged.Finished() {
		t.Errorf("finish: due again %v, finished %v, original touched %v", release.DueToFinish(done, t0.Add(31*day)), done.Finished(), merged.Finished())
	}
	if release.DueToFinish(closed, t0.Add(90*day)) || !closed.Finished() || open.Finished() {
		t.Error("a closed PR is finished and never due; an open one is not finished")
	}
}
