package tracker

import (
	"context"
	"fmt"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// status is the HTTP status GitHub answered err with, or 0.
func (tr *Tracker) status(err error) int {
	if err == nil || tr.o.HTTPStatus == nil {
		return 0
	}
	return tr.o.HTTPStatus(err)
}

// refusedForGood reports whether GitHub refused a write in a way no retry
// can fix: 422 (invalid or too long), or 404/410 (its target is gone).
func (tr *Tracker) refusedForGood(err error) bool {
	switch tr.status(err) {
	case 404, 410, 422:
		return true
	}
	return false
}

// gone reports whether err says the object is deleted (404 or 410).
func (tr *Tracker) gone(err error) bool {
	s := tr.status(err)
	return s == 404 || s == 410
}

// drop logs and counts a write GitHub refused for good, which golive
// gives up instead of retrying forever.
func (tr *Tracker) drop(object, release string, err error) {
	tr.o.Metrics.Refused.WithLabelValues(object, fmt.Sprint(tr.status(err))).Inc()
	tr.o.Log.Error("GitHub refused a write for good; dropped it", "object", object, "release", release, "err", err)
}

// issueGone handles a tracking issue GitHub says is deleted (404, 410):
// an open release gets a new one, written from its state (marker and
// signed ledger included), and the PR gets one note saying so. A closed
// release needs none.
func (tr *Tracker) issueGone(ctx context.Context, gh GitHub, rc repoConfig, rec *record, now time.Time, cause error) error {
	s := rec.State
	k := s.Key
	old := s.Issue
	body := tr.issueBody(rc.cfg, s, release.Evaluate(rc.cfg, s, now))
	if s.Status != release.StatusOpen {
		s.SetIssueWritten(body)
		s.Written.IssueState = "closed"
		return nil
	}
	tr.o.Log.Warn("tracking issue gone; recreating it from golive's state", "release", k.String(), "issue", old, "err", cause)
	n, err := gh.CreateIssue(ctx, k.Owner, k.Repo, issueTitle(s), body)
	if err != nil {
		return fmt.Errorf("recreate the deleted tracking issue #%d: %w", old, err)
	}
	tr.o.Metrics.GitHubWrites.WithLabelValues("issue").Inc()
	s.Issue, s.Written.IssueState = n, ""
	s.SetIssueWritten(body)
	rec.Outbox = append(rec.Outbox, owed{ID: fmt.Sprintf("recreated-%d-%d", old, n), Kind: "reply", Target: k.PR,
		Body: fmt.Sprintf("The tracking issue #%d of this release was deleted. golive recreated it from its saved state as #%d: ticks, sign-offs, waivers and holds are kept.", old, n)})
	return tr.save(ctx, rec)
}

// completed makes a check run golive writes always a finished one with a
// conclusion: golive never reports a check in progress, so a restart can
// never leave one behind, and an unknown conclusion fails.
func completed(c release.CheckRun) release.CheckRun {
	c.Status = "completed"
	switch c.Conclusion {
	case "success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required":
	default:
		c.Conclusion = "failure"
	}
	return c
}

// bare is a check run with its verdict and no detail, for when GitHub
// refuses the full one.
func bare(c release.CheckRun) release.CheckRun {
	c.Summary = "golive could not write the full summary (GitHub refused it); the tracking issue has the detail."
	c.Problems = nil
	return c
}

// createCheck creates a check run; one GitHub refuses is sent again bare.
func (tr *Tracker) createCheck(ctx context.Context, gh GitHub, k release.Key, c release.CheckRun) (int64, error) {
	id, err := gh.CreateCheckRun(ctx, k.Owner, k.Repo, c)
	if err != nil && tr.status(err) == 422 {
		tr.drop("check_run", k.String(), err)
		id, err = gh.CreateCheckRun(ctx, k.Owner, k.Repo, bare(c))
	}
	return id, err
}
