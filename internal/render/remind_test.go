package render_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

func TestPRCommentWithReminders(t *testing.T) {
	k := release.Key{Owner: "o", Repo: "r", PR: 7}
	plain := render.PRComment(k, 12)
	if got := render.PRCommentWith(k, 12, nil); got != plain {
		t.Errorf("no reminders: got %q, want the plain comment", got)
	}
	since := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	got := render.PRCommentWith(k, 12, []release.Reminder{{Role: "business", Title: "Business Owner", Teams: []string{"acme/owners", "acme/x](https://evil)"}, Users: []string{"bob"}, Since: since, Count: 2}})
	want := plain + "\n⏰ @acme/owners, @bob: the **Business Owner** sign-off is awaited since 2026-11-20 09:00 UTC — `/approve business` (reminder 2)\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if strings.Contains(got, "evil") {
		t.Error("a team name that is not one smuggled Markdown into the comment")
	}
}
