package tracker

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// retentions holds each worker's retention (release.DefaultRetention when
// unset). It lives beside the Worker, not in Options, to keep the data
// lifecycle out of the worker's core files.
var retentions sync.Map // *Tracker → time.Duration

// UseRetention sets how long a release's record is kept after golive
// stopped following it (GOLIVE_RETENTION).
func (tr *Tracker) UseRetention(d time.Duration) { retentions.Store(tr, d) }

func (tr *Tracker) retention() time.Duration {
	if v, ok := retentions.Load(tr); ok {
		return v.(time.Duration)
	}
	return release.DefaultRetention
}

// recordExpirer is what forgets a release's record in time;
// redisstore.Store has it.
type recordExpirer interface {
	ExpireRelease(ctx context.Context, release string, ttl time.Duration, cacheKeys ...string) error
}

// followToEnd ends golive's part in a release, at the end of a sync,
// under the release's lock: once the last post-go-live window of a merged
// release has closed (and its window receipts are posted), the tracking
// issue gets one closing summary and is closed, and the release leaves the
// set golive sweeps. Then, for a finished or closed release, the record
// is given its expiry.
func (tr *Tracker) followToEnd(ctx context.Context, gh GitHub, rc repoConfig, rec *record, now time.Time) error {
	s := rec.State
	k := s.Key
	if release.DueToFinish(s, now) && s.Issue != 0 {
		// GitHub is the record: a summary posted before a crash, a lost
		// Redis or by another replica's earlier sync is found, not doubled.
		marker := release.ClosingMarker(k)
		id, err := gh.FindComment(ctx, k.Owner, k.Repo, s.Issue, marker)
		if err != nil {
			return fmt.Errorf("find the closing summary of %s: %w", k, err)
		}
		if id == 0 {
			chain, err := tr.Receipts(ctx, k)
			if err != nil {
				return err
			}
			expires, _ := release.ExpiresAt(s, tr.retention())
			if _, err := gh.CreateComment(ctx, k.Owner, k.Repo, s.Issue, release.ClosingSummary(rc.cfg, s, len(chain), expires)); err != nil {
				return fmt.Errorf("post the closing summary of %s: %w", k, err)
			}
			tr.o.Metrics.GitHubWrites.WithLabelValues("comment").Inc()
		}
		if err := tr.closeIssue(ctx, gh, rec, "completed"); err != nil {
			return err
		}
		rec.State = release.Finish(rec.State, now)
		if err := tr.save(ctx, rec); err != nil {
			return err
		}
		tr.o.Log.Info("release followed to the end; tracking issue closed", "release", k.String(), "issue", s.Issue)
	}
	return tr.expireRecord(ctx, rec.State, now)
}

// expireRecord gives the record of a release golive no longer follows its
// expiry (release.ExpiresAt), counted from now on the worker's clock.
func (tr *Tracker) expireRecord(ctx context.Context, s *release.State, now time.Time) error {
	at, ok := release.ExpiresAt(s, tr.retention())
	if !ok || !s.Finished() {
		return nil
	}
	ex, ok := tr.o.States.(recordExpirer)
	if !ok {
		return nil
	}
	// Past its expiry already (a record rebuilt long after): it goes soon,
	// not at once, so the save that follows this sync is not lost midway.
	return ex.ExpireRelease(ctx, s.Key.String(), max(at.Sub(now), time.Minute), receiptsKey(s.Key))
}
