package checklist

import "time"

// Bounds of reminders: GitHub's own review reminders go no faster than
// daily, and a nudge that repeats more often is noise.
const (
	MinRemindEvery = 24 * time.Hour
	MaxRemindAfter = 30 * 24 * time.Hour
)

func checkReminder(add func(p Pos, format string, args ...any), r Role) {
	if r.RemindAfter.D() > MaxRemindAfter {
		add(r.o.at("remind_after"), "role %q: remind_after %s is over the %s maximum", r.ID, r.RemindAfter.D(), MaxRemindAfter)
	}
	if r.RemindEvery != 0 && r.RemindAfter == 0 {
		add(r.o.at("remind_every"), "role %q: remind_every needs remind_after", r.ID)
	}
	if r.RemindEvery != 0 && r.RemindEvery.D() < MinRemindEvery {
		add(r.o.at("remind_every"), "role %q: remind_every %s is under the %s minimum (one reminder a day at most)", r.ID, r.RemindEvery.D(), MinRemindEvery)
	}
}

func patchReminder(base *Role, p Role) {
	if p.RemindAfter != 0 {
		base.RemindAfter = p.RemindAfter
	}
	if p.RemindEvery != 0 {
		base.RemindEvery = p.RemindEvery
	}
}
