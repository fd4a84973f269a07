package release_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/release"
)

// TestReminderReplyOncePerDay: one reply names every reminder due; none
// within a day of the last; the next day one names only what is new: a
// role newly due, a count renewed, a wait begun again.
func TestReminderReplyOncePerDay(t *testing.T) {
	s := &release.State{Status: release.StatusOpen}
	biz := release.Reminder{Role: "business", Since: t0, Count: 1}
	ops := release.Reminder{Role: "ops", Since: t0, Count: 1}
	reply := func(now time.Time, rs ...release.Reminder) []string {
		t.Helper()
		due := release.ReminderReply(rs, s, now)
		var out []string
		for _, r := range due {
			out = append(out, r.Role)
		}
		if len(due) > 0 {
			s = release.MarkReminderReply(s, rs, due, now)
		}
		return out
	}
	check := func(got, want []string) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("(-want +got):\n%s", diff)
		}
	}
	check(reply(t0), nil)
	check(reply(t0, biz), []string{"business"})
	check(reply(t0.Add(time.Hour), biz, ops), nil) // ops due within the day: waits
	check(reply(t0.Add(23*time.Hour+59*time.Minute), biz, ops), nil)
	check(reply(t0.Add(24*time.Hour), biz, ops), []string{"ops"})
	check(reply(t0.Add(72*time.Hour), biz, ops), nil) // nothing new
	biz.Count = 2
	check(reply(t0.Add(73*time.Hour), biz, ops), []string{"business"})
	// Ops signed and its sign-off was voided: awaited again from later.
	ops.Since = t0.Add(80 * time.Hour)
	check(reply(t0.Add(98*time.Hour), biz, ops), []string{"ops"})
	s.Status = release.StatusMerged
	biz.Count = 3
	check(reply(t0.Add(200*time.Hour), biz, ops), nil)
}
