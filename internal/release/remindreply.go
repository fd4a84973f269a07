package release

import "time"

// ReplyEvery is the least time between two reminder replies on one PR:
// GitHub notifies no one of a mention added by editing a comment, so a
// reminder that comes due also gets a short reply, at most one a day.
const ReplyEvery = 24 * time.Hour

// RemindReply is what golive last replied about reminders on the PR.
type RemindReply struct {
	At time.Time `json:"at"`
	// Counts are the reminder counts replied about, by wait (ReplyKey).
	Counts map[string]int `json:"counts,omitempty"`
}

// ReplyKey names one wait of a role: a sign-off voided and awaited again
// from another time is a new wait.
func ReplyKey(r Reminder) string { return r.Role + "@" + r.Since.UTC().Format(time.RFC3339) }

// ReminderReply picks, of the reminders due at now (Reminders), those a
// reply should mention: the ones whose count no reply named yet. It picks
// none within ReplyEvery of the last reply; those wait for the next day,
// when one reply names them all. Pure.
func ReminderReply(rs []Reminder, s *State, now time.Time) []Reminder {
	if len(rs) == 0 || s.Status != StatusOpen {
		return nil
	}
	last := s.RemindReply
	if last != nil && now.Sub(last.At) < ReplyEvery {
		return nil
	}
	var out []Reminder
	for _, r := range rs {
		if last == nil || r.Count > last.Counts[ReplyKey(r)] {
			out = append(out, r)
		}
	}
	return out
}

// MarkReminderReply returns s with a reply about due recorded at now: the
// counts of every reminder still due (rs), so a role signed in between
// and awaited again is a new wait.
func MarkReminderReply(s *State, rs, due []Reminder, now time.Time) *State {
	n := s.Clone()
	r := &RemindReply{At: now, Counts: map[string]int{}}
	for _, x := range rs {
		if s.RemindReply != nil {
			r.Counts[ReplyKey(x)] = s.RemindReply.Counts[ReplyKey(x)]
		}
	}
	for _, x := range due {
		r.Counts[ReplyKey(x)] = x.Count
	}
	n.RemindReply = r
	return n
}
