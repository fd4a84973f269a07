package tracker

import (
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// commentText is golive's PR comment at now, with a line for every role
// whose sign-off is overdue (roles[].remind_after). The reconciler's
// sweep syncs every open release, so a reminder falls due within one
// sweep of its time without a timer of its own.
func commentText(cfg *checklist.Config, s *release.State, now time.Time) string {
	return render.PRCommentWith(s.Key, s.Issue, release.Reminders(cfg, s, now))
}
