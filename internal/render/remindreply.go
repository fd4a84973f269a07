package render

import (
	"fmt"
	"strings"

	"github.com/ag06mixer/golive/internal/release"
)

// ReminderReply is the short reply golive posts when reminders come due
// (release.ReminderReply): GitHub notifies a mention only in a new
// comment, not in an edit of golive's PR comment. It names only the
// overdue roles' teams and logins that GitHub could resolve as mentions,
// and points to the tracking issue.
func ReminderReply(issue int, due []release.Reminder) string {
	var b strings.Builder
	for _, r := range due {
		b.WriteString(reminderLine(r) + "\n")
	}
	if issue != 0 {
		fmt.Fprintf(&b, "\nThe checklist is in #%d. golive replies about reminders at most once a day.\n", issue)
	}
	return b.String()
}
