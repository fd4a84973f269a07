package release_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// After the merge nothing is blocked any more: a post-go-live window with
// items to go is watched, and every reader of the verdict (the issue, the
// dashboard, the check run) says so, not "Blocked". A hold still says it
// is on hold.
func TestMergedReleaseIsWatchedNotBlocked(t *testing.T) {
	c := cfg(t)
	k := release.Key{Owner: "o", Repo: "r", PR: 7}
	s := release.New(k)
	s.HeadSHA = "sha1"
	before := release.Evaluate(c, s, t0)
	if before.Watching || !strings.HasPrefix(before.Title, "Blocked: ") {
		t.Fatalf("before the merge: watching %v, title %q; want blocked", before.Watching, before.Title)
	}
	m, _ := release.Apply(c, s, release.Event{Kind: release.EvClosed, At: t0, Key: k, PR: &release.PRInfo{Merged: true, MergedAt: t0}})
	rep := release.Evaluate(c, m, t0.Add(time.Hour))
	if !rep.Watching || rep.Ready || len(rep.Missing) == 0 {
		t.Fatalf("after the merge: watching %v, ready %v, %d missing; want watched with items to go", rep.Watching, rep.Ready, len(rep.Missing))
	}
	if strings.Contains(rep.Title, "Blocked") || !strings.Contains(rep.Title, "watching the first 24 hours") {
		t.Errorf("after the merge the verdict reads %q", rep.Title)
	}
	m.Hold = &release.Hold{By: "olga", Reason: "error budget spent"}
	if held := release.Evaluate(c, m, t0.Add(time.Hour)); held.Watching || !strings.HasPrefix(held.Title, "On hold: ") {
		t.Errorf("a held merged release: watching %v, title %q", held.Watching, held.Title)
	}
}
