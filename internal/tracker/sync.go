package tracker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// Sync writes a release's tracking issue, PR comment and check run where
// they differ from what golive last wrote. The caller holds the lock.
func (tr *Tracker) Sync(ctx context.Context, k release.Key) error {
	rec, gh, rc, err := tr.loadTracked(ctx, k)
	if err != nil || rec == nil {
		return err
	}
	// The outbox is posted whatever GitHub made of the sync: replies and
	// reactions need neither the issue nor the check run (a reply with no
	// issue goes to the PR), and one owed since a delivery that could not
	// post it is this flush's to post (finishOrOwe); a tracking issue
	// GitHub will not take must not hold them back. Not when the sync's
	// save failed or the lock is lost: a post whose removal from the
	// outbox cannot be saved would be posted again at every flush.
	err = tr.syncLocked(ctx, gh, rc, rec)
	if errors.Is(err, errUnsaved) || ctx.Err() != nil {
		return err
	}
	return errors.Join(err, tr.finish(ctx, gh, k, rec))
}

// errUnsaved marks a sync whose record could not be saved.
var errUnsaved = errors.New("release record not saved")

// loadTracked loads a release with its installation's API and its repo's
// config; rec is nil for a release golive does not track.
func (tr *Tracker) loadTracked(ctx context.Context, k release.Key) (*record, GitHub, repoConfig, error) {
	rec, err := tr.load(ctx, k)
	if err != nil || rec == nil {
		return nil, nil, repoConfig{}, err
	}
	gh, err := tr.o.GitHub.Installation(rec.State.Installation)
	if err != nil {
		return nil, nil, repoConfig{}, err
	}
	rc, err := tr.config(ctx, gh, k.Owner, k.Repo)
	if err != nil {
		return nil, nil, repoConfig{}, err
	}
	return rec, gh, rc, nil
}

// syncLocked is Sync on a loaded record; it saves as it goes, so a crash
// after a create never leads to a second object. The check run is written
// whatever became of the issue and the comment: a hold, a revoke or a
// failure closes the gate even when the tracking issue cannot be written.
// Their errors are returned after.
func (tr *Tracker) syncLocked(ctx context.Context, gh GitHub, rc repoConfig, rec *record) error {
	s := rec.State
	now := tr.o.Clock()
	rep := release.Evaluate(rc.cfg, s, now) // once: the issue and the check run share it
	issueErr := tr.syncIssue(ctx, gh, rc, rec, now, rep)
	var commentErr, checkErr error
	if issueErr == nil && s.Issue != 0 {
		commentErr = tr.syncComment(ctx, gh, rec, commentText(rc.cfg, s, now)) // remind.go
	}
	if s.Status == release.StatusOpen && s.HeadSHA != "" {
		checkErr = tr.syncCheck(ctx, gh, rc, rec, rep)
	}
	var receiptErr error
	if issueErr == nil {
		receiptErr = tr.emitReceipts(ctx, gh, rc, rec, now) // receipts.go
	}
	if err := tr.milestones(ctx, rc, rec, rep, now); err != nil { // notify.go
		return fmt.Errorf("%w: %w", errUnsaved, err)
	}
	if err := tr.save(ctx, rec); err != nil {
		return fmt.Errorf("%w: %w", errUnsaved, err)
	}
	err := errors.Join(issueErr, commentErr, checkErr, receiptErr)
	if err == nil {
		tr.logSynced(s, rep)
	}
	return err
}

// syncIssue finds or creates the tracking issue and writes its body.
func (tr *Tracker) syncIssue(ctx context.Context, gh GitHub, rc repoConfig, rec *record, now time.Time, rep release.Report) error {
	s := rec.State
	k := s.Key
	if s.Issue == 0 {
		// The issue is looked up before anything is created: a lost
		// Redis or a crash after the create never makes a second issue.
		n, err := tr.findIssue(ctx, gh, rec)
		if err != nil {
			return err
		}
		if n == 0 {
			if s.Status == release.StatusClosed {
				return nil // closed before golive wrote anything
			}
			if !s.IssueCreating {
				// Saved before the create: a crash after it, or an answer
				// lost, makes the next sync look by the list too.
				s.IssueCreating = true
				if err := tr.save(ctx, rec); err != nil {
					return err
				}
			}
			body := tr.issueBody(rc.cfg, s, rep)
			if n, err = gh.CreateIssue(ctx, k.Owner, k.Repo, issueTitle(s), body); err != nil {
				return err
			}
			tr.o.Metrics.GitHubWrites.WithLabelValues("issue").Inc()
			s.SetIssueWritten(body)
		}
		s.Issue, s.IssueCreating = n, false
		if err := tr.save(ctx, rec); err != nil {
			return err
		}
	}
	return tr.syncBody(ctx, gh, rc, rec, now, rep)
}

func issueTitle(s *release.State) string {
	t := s.Title
	if t == "" {
		t = s.Key.String()
	}
	return fmt.Sprintf("Release readiness: %s (#%d)", t, s.Key.PR)
}

// issueBody renders the tracking issue from rep with its signed ledger;
// with the dashboard set, each done item links to its evidence on the
// release's page there.
func (tr *Tracker) issueBody(cfg *checklist.Config, s *release.State, rep release.Report) string {
	return render.IssueWithLedgerLinked(cfg, s, rep, tr.o.LedgerKey, tr.o.Dashboard)
}

// syncBody writes the issue body if golive's rendering changed. It
// re-reads the body first: a human tick golive has not yet seen the event
// of is carried over, never overwritten, and decided when its event comes.
func (tr *Tracker) syncBody(ctx context.Context, gh GitHub, rc repoConfig, rec *record, now time.Time, rep release.Report) error {
	s := rec.State
	k := s.Key
	body := render.KeepUnseen(tr.issueBody(rc.cfg, s, rep), s.Unseen)
	if s.IssueWritten(body) {
		return nil
	}
	cur, err := gh.GetIssue(ctx, k.Owner, k.Repo, s.Issue)
	if err != nil {
		if tr.gone(err) {
			return tr.issueGone(ctx, gh, rc, rec, now, err)
		}
		return err
	}
	if s.KnowsIssueWritten() && !s.IssueWritten(cur.Body) {
		// Boxes someone changed since golive's last write: their
		// issues.edited event decides them. Until it does they stay as
		// set; if it never comes, the edit history does (unseen.go).
		if err := tr.noteUnseen(ctx, s, s.HumanChanges(cur.Body)); err != nil {
			return err
		}
		body = render.KeepUnseen(body, s.Unseen)
	}
	if body != cur.Body {
		if err := gh.EditIssueBody(ctx, k.Owner, k.Repo, s.Issue, body); err != nil {
			if tr.gone(err) {
				return tr.issueGone(ctx, gh, rc, rec, now, err)
			}
			return err
		}
		tr.o.Metrics.GitHubWrites.WithLabelValues("issue").Inc()
	}
	s.SetIssueWritten(body)
	return nil
}

func (tr *Tracker) syncComment(ctx context.Context, gh GitHub, rec *record, text string) error {
	s := rec.State
	k := s.Key
	if text == s.Written.Comment && s.CommentID != 0 {
		return nil
	}
	if s.CommentID == 0 {
		var id int64
		var err error
		if rec.comment != nil {
			id = *rec.comment // read under this lock, looking for the issue
		} else if id, err = gh.FindComment(ctx, k.Owner, k.Repo, k.PR, render.CommentMarker(k)); err != nil {
			return err
		}
		if id == 0 {
			if err := ctx.Err(); err != nil {
				// The lock is lost (or golive stops): the answer above may
				// be another holder's too, who creates the comment.
				return err
			}
			if id, err = gh.CreateComment(ctx, k.Owner, k.Repo, k.PR, text); err != nil {
				return err
			}
			tr.o.Metrics.GitHubWrites.WithLabelValues("comment").Inc()
			s.Written.Comment = text
		}
		s.CommentID = id
		if err := tr.save(ctx, rec); err != nil {
			return err
		}
	}
	if text != s.Written.Comment {
		if err := gh.EditComment(ctx, k.Owner, k.Repo, s.CommentID, text); err != nil {
			if !tr.gone(err) {
				return err
			}
			// Deleted: post it again.
			tr.o.Log.Warn("PR comment deleted; posting it again", "release", k.String())
			if s.CommentID, err = gh.CreateComment(ctx, k.Owner, k.Repo, k.PR, text); err != nil {
				s.CommentID = 0
				return err
			}
		}
		tr.o.Metrics.GitHubWrites.WithLabelValues("comment").Inc()
		s.Written.Comment = text
	}
	return nil
}

func (tr *Tracker) syncCheck(ctx context.Context, gh GitHub, rc repoConfig, rec *record, rep release.Report) error {
	s := rec.State
	k := s.Key
	issueURL := tr.issueURL(k, s.Issue)
	c := release.CheckRunFor(rc.cfg, s, rep, issueURL)
	c.DetailsURL = issueURL
	if tr.o.DetailsURL != nil {
		c.DetailsURL = tr.o.DetailsURL(k.String())
	}
	c = completed(c)
	if s.CheckRunID == 0 || s.CheckSHA != c.SHA {
		id, err := tr.createCheck(ctx, gh, k, c)
		if err != nil {
			return err
		}
		tr.o.Metrics.GitHubWrites.WithLabelValues("check_run").Inc()
		s.CheckRunID, s.CheckSHA = id, c.SHA
		s.SetCheckWritten(c)
		return tr.save(ctx, rec)
	}
	if s.CheckWritten(c) {
		return nil
	}
	if err := gh.UpdateCheckRun(ctx, k.Owner, k.Repo, s.CheckRunID, c); err != nil {
		switch {
		case tr.gone(err):
			s.CheckRunID = 0 // gone: report on a new one
			return tr.syncCheck(ctx, gh, rc, rec, rep)
		case tr.status(err) == 422:
			// Refused (too long, an invalid field): the verdict still
			// goes out, without the detail.
			tr.drop("check_run", k.String(), err)
			if err := gh.UpdateCheckRun(ctx, k.Owner, k.Repo, s.CheckRunID, bare(c)); err != nil {
				return err
			}
		default:
			return err
		}
	}
	tr.o.Metrics.GitHubWrites.WithLabelValues("check_run").Inc()
	s.SetCheckWritten(c)
	return nil
}

func (tr *Tracker) closeIssue(ctx context.Context, gh GitHub, rec *record, reason string) error {
	s := rec.State
	if s.Issue == 0 || s.Written.IssueState == "closed" {
		return nil
	}
	if err := gh.CloseIssue(ctx, s.Key.Owner, s.Key.Repo, s.Issue, reason); err != nil {
		if !tr.gone(err) {
			return err
		}
		// Deleted: nothing is left to close.
	}
	tr.o.Metrics.GitHubWrites.WithLabelValues("issue").Inc()
	s.Written.IssueState = "closed"
	return tr.save(ctx, rec)
}

// syncBackoff spaces out syncs of a release that keep failing, so a
// broken release does not hammer GitHub every tick.
type syncBackoff struct {
	mu sync.Mutex
	m  map[string]backoffEntry
}

type backoffEntry struct {
	fails int
	next  time.Time
}

// maxSyncBackoff caps the pause between tries of a failing sync: the
// readiness check must not stay stale for minutes after GitHub recovers,
// and one request a minute per release is no load on a struggling GitHub.
const maxSyncBackoff = time.Minute

func (b *syncBackoff) ready(name string, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.m[name]
	return !ok || !now.Before(e.next)
}

func (b *syncBackoff) failed(name string, now time.Time, base time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = map[string]backoffEntry{}
	}
	e := b.m[name]
	e.fails++
	e.next = now.Add(min(backoff(base, e.fails), maxSyncBackoff))
	b.m[name] = e
}

// size is how many releases wait out a backoff at now. It forgets those
// whose pause ended long since (their marks were cleared by another
// replica, or they finished): the flusher reads that many due marks past
// its batch at every tick.
func (b *syncBackoff) size(now time.Time) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	for name, e := range b.m {
		if now.Sub(e.next) > 2*maxSyncBackoff {
			delete(b.m, name)
		}
	}
	return len(b.m)
}

func (b *syncBackoff) ok(name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.m, name)
}
