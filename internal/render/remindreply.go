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
		var who []string
		for _, t := range r.Teams {
			if teamMention.MatchString(t) {
				who = append(who, "@"+t)
			}
		}
		for _, u := range r.Users {
			if userMention.MatchString(u) {
				who = append(who, "@"+u)
			}
		}
		if len(who) == 0 {
			who = []string{"whoever holds the role"}
		}
		fmt.Fprintf(&b, "⏰ %s: the **%s** sign-off is awaited since %s — `/approve %s`\n", strings.Join(who, ", "), escape(r.Title), r.Since.UTC().Format("2006-01-02 15:04 MST"), r.Role)
	}
	if issue != 0 {
		fmt.Fprintf(&b, "\nThe checklist is in #%d. golive replies about reminders at most once a day.\n", issue)
	}
	return b.String()
}
