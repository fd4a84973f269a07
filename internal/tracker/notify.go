package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// Notifier posts a rendered chat message (Slack's incoming-webhook
// format). An error with a Permanent() true method is not retried.
type Notifier interface {
	Notify(ctx context.Context, message []byte) error
}

// milestones acts once on each release event due (release.Notices,
// release.Observations, release.ReminderReply): owes a reminder reply on
// the PR, observes the health metrics, queues a
// golive.notify entry per notice when a notifier is set, and records
// them, with the block reason, in the state the caller saves. Under the
// release's lock only the queue write happens; a worker posts the message
// later, outside any lock, with the queue's retries. The entry's id is
// the release and the notice, so a crash before the save queues a
// duplicate the queue drops. Without a notifier the notices are recorded
// all the same: one set later starts from the events that follow.
func (tr *Tracker) milestones(ctx context.Context, rc repoConfig, rec *record, rep release.Report, now time.Time) error {
	s := rec.State
	ns := release.Notices(rc.cfg, s, rep, now)
	obs := release.Observations(rc.cfg, s, rep, now)
	if reason := release.BlockReason(s, rep); reason != s.Blocked {
		s = s.Clone()
		s.Blocked = reason
		rec.State = s
	}
	if rs := release.Reminders(rc.cfg, s, now); s.CommentID != 0 {
		// The PR comment (edited in place) carries the reminders; a reply
		// makes GitHub notify the people named, at most once a day.
		if due := release.ReminderReply(rs, s, now); len(due) > 0 {
			rec.Outbox = append(rec.Outbox, owed{ID: fmt.Sprintf("remind-%d", now.UnixNano()), Kind: "reply", Target: s.Key.PR, Body: render.ReminderReply(s.Issue, due)})
			s = release.MarkReminderReply(s, rs, due, now)
			rec.State = s
		}
	}
	if len(ns) == 0 && len(obs) == 0 {
		return nil
	}
	if tr.o.Notifier != nil && len(ns) > 0 {
		if err := tr.queueNotices(ctx, s, ns, now); err != nil {
			return err
		}
	}
	ids := make([]string, 0, len(ns)+len(obs))
	for _, n := range ns {
		ids = append(ids, n.ID)
	}
	h := tr.o.Metrics.Health
	for _, o := range obs {
		ids = append(ids, o.ID)
		switch o.Metric {
		case "ready":
			h.TimeToReady.Observe(o.Seconds)
		case "signoff":
			h.SignoffSeconds.WithLabelValues(o.Role).Observe(o.Seconds)
		case "window":
			outcome := "passed"
			if o.Failed {
				outcome = "failed"
			}
			h.Windows.WithLabelValues(string(o.Phase), outcome).Inc()
		}
	}
	rec.State = release.Mark(s, ids, now)
	return nil
}

func (tr *Tracker) queueNotices(ctx context.Context, s *release.State, ns []release.Notice, now time.Time) error {
	links := render.NoticeLinks{Issue: tr.issueURL(s.Key, s.Issue), PR: s.URL}
	if links.PR == "" {
		links.PR = fmt.Sprintf("%s/%s/pull/%d", tr.o.WebURL, s.Key.FullRepo(), s.Key.PR)
	}
	if tr.o.DetailsURL != nil {
		links.Dashboard = tr.o.DetailsURL(s.Key.String())
	}
	for _, n := range ns {
		msg, err := json.Marshal(render.Notice(s, n, links))
		if err != nil {
			return fmt.Errorf("encode notice: %w", err)
		}
		if _, err := tr.o.Queue.Enqueue(ctx, queue.Notify(s.Key, n.ID, msg, now)); err != nil {
			return err
		}
	}
	return nil
}

// healthGauges sets the releases-blocked and at-risk gauges from the
// records of every release Redis knows (the sweep's list): each replica
// reads the same records, so each reports the same counts.
func (tr *Tracker) healthGauges(ctx context.Context, names []string) {
	blocked := map[string]int{}
	atRisk := 0
	for _, n := range names {
		k, err := release.ParseKey(n)
		if err != nil {
			continue
		}
		rec, err := tr.load(ctx, k)
		if err != nil || rec == nil {
			continue
		}
		s := rec.State
		if s.Status == release.StatusOpen && s.Blocked != "" {
			blocked[s.Blocked]++
		}
		if _, risky := s.Milestones[string(release.NoticeAtRisk)]; risky && s.Status == release.StatusMerged && !s.Finished() {
			atRisk++
		}
	}
	for _, r := range release.BlockReasons {
		tr.o.Metrics.Health.Blocked.WithLabelValues(r).Set(float64(blocked[r]))
	}
	tr.o.Metrics.Health.AtRisk.Set(float64(atRisk))
}

// notify applies EventNotify: it posts the message. A refusal for good is
// dead-lettered at once; anything else is retried by the queue.
func (tr *Tracker) notify(ctx context.Context, d Delivery) (string, error) {
	var r queue.NotifyRequest
	if err := json.Unmarshal(d.Payload, &r); err != nil {
		return "dead", permanent(fmt.Errorf("notify request: %w", err))
	}
	if tr.o.Notifier == nil {
		tr.o.Log.Warn("notification dropped: no notifier configured", "release", r.Release, "notice", r.Notice)
		return "ignored", nil
	}
	err := tr.o.Notifier.Notify(ctx, r.Message)
	var p interface{ Permanent() bool }
	switch {
	case err == nil:
		tr.o.Metrics.Health.Notifications.WithLabelValues(kindOf(r.Notice), "sent").Inc()
		return "applied", nil
	case errors.As(err, &p) && p.Permanent():
		tr.o.Metrics.Health.Notifications.WithLabelValues(kindOf(r.Notice), "refused").Inc()
		return "dead", permanent(err)
	default:
		tr.o.Metrics.Health.Notifications.WithLabelValues(kindOf(r.Notice), "error").Inc()
		return "", err
	}
}

// kindOf is a notice id's kind ("blocked:qa" → "blocked"), a bounded label.
func kindOf(id string) string {
	for _, k := range []release.NoticeKind{release.NoticeReady, release.NoticeBlocked, release.NoticeAtRisk, release.NoticeMerged} {
		if id == string(k) || len(id) > len(k) && id[:len(k)+1] == string(k)+":" {
			return string(k)
		}
	}
	return "other"
}
