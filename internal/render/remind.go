package render

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ag06mixer/golive/internal/release"
)

// Mentions golive writes: only names GitHub could resolve, so a config
// value never smuggles Markdown into the comment.
var (
	teamMention = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)
	userMention = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,38}$`)
)

// PRCommentWith is golive's PR comment with a line per reminder: the
// comment golive already edits, so a reminder never posts a new one. The
// text changes only when a reminder is due or renewed (its count), and an
// unchanged text costs no write.
func PRCommentWith(k release.Key, issue int, rs []release.Reminder) string {
	text := PRComment(k, issue)
	if len(rs) == 0 {
		return text
	}
	var b strings.Builder
	b.WriteString(text)
	b.WriteString("\n")
	for _, r := range rs {
		b.WriteString(reminderLine(r))
		if r.Count > 1 {
			fmt.Fprintf(&b, " (reminder %d)", r.Count)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// reminderLine is one due reminder: the role's teams and logins GitHub
// can resolve as mentions (nobody else is named), the role, since when,
// and the command that gives the sign-off.
func reminderLine(r release.Reminder) string {
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
	return fmt.Sprintf("⏰ %s: the **%s** sign-off is awaited since %s — `/approve %s`", strings.Join(who, ", "), escape(r.Title), r.Since.UTC().Format("2006-01-02 15:04 MST"), r.Role)
}
