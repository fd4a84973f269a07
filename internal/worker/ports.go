package worker

import (
	"context"
	"errors"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// Delivery is one webhook delivery, or a synthetic event, in the queue.
type Delivery struct {
	// Entry is the stream entry id; set on read.
	Entry string
	// ID is the X-GitHub-Delivery id (or a synthetic id).
	ID      string
	Event   string
	Payload []byte
	// Attempt counts from 1.
	Attempt int
	// Received is when ingest accepted it.
	Received time.Time
	// First is when it was first tried, kept on retries: the retry
	// budget counts from it. Zero before its first failure, and after a
	// requeue or a pause of the circuit breaker.
	First time.Time
	// Error is the last failure, kept on dead letters.
	Error string
}

// Dirty is a release owed a sync, and the generation of its mark when
// read: every mark counts up, so a mark made during a sync survives it.
type Dirty struct {
	Release string
	Gen     int64
}

// ErrLockHeld is returned when another worker holds a release's lock.
var ErrLockHeld = errors.New("release lock held by another worker")

// ErrLockLost is returned when a lock expired and was taken by another.
var ErrLockLost = errors.New("release lock lost")

// Store is what the worker needs of Redis.
type Store interface {
	Enqueue(ctx context.Context, d Delivery) (dup bool, err error)
	Read(ctx context.Context, consumer string, count int, block time.Duration) ([]Delivery, error)
	Claim(ctx context.Context, consumer string, minIdle time.Duration, count int) ([]Delivery, error)
	Ack(ctx context.Context, entry string) error
	Retry(ctx context.Context, d Delivery, due time.Time, cause error) error
	DeadLetter(ctx context.Context, d Delivery, cause error) error
	PromoteDue(ctx context.Context, now time.Time) (int, error)
	// Requeue puts up to max dead letters back on the queue.
	Requeue(ctx context.Context, max int) (int, error)

	// Acquire seats token in the release's lock queue at its place and
	// takes the lock if take is set and token is first (see lane.go).
	Acquire(ctx context.Context, release, token string, ttl time.Duration, p Place, take bool) error
	Leave(ctx context.Context, release, token string, p Place) error
	// Schedule queues a synthetic delivery to be read at due.
	Schedule(ctx context.Context, d Delivery, due time.Time) error
	// Outstanding lists the deliveries ahead of a stream entry and those
	// waiting for a retry, at most max of each; more when some were left.
	Outstanding(ctx context.Context, entry string, max int) (ds []Delivery, more bool, err error)
	Extend(ctx context.Context, release, token string, ttl time.Duration) error
	Release(ctx context.Context, release, token string) error

	LoadState(ctx context.Context, release string) ([]byte, error)
	SaveState(ctx context.Context, release string, state []byte, open bool) error
	Releases(ctx context.Context) ([]string, error)

	IndexCommit(ctx context.Context, repo, sha, release string) error
	IndexRef(ctx context.Context, repo, ref, release string) error
	ByCommit(ctx context.Context, repo, sha string) ([]string, error)
	ByRef(ctx context.Context, repo, ref string) ([]string, error)

	// MarkDirty returns the mark and when it falls due.
	MarkDirty(ctx context.Context, release string, now time.Time, window, maxWait time.Duration) (Dirty, time.Time, error)
	DueDirty(ctx context.Context, now time.Time, n int) ([]Dirty, error)
	ClearDirty(ctx context.Context, d Dirty) (bool, error)

	// Lease takes name for ttl if nobody holds it; it is never released,
	// only expires: one holder per period.
	Lease(ctx context.Context, name string, ttl time.Duration) (bool, error)

	CacheGet(ctx context.Context, key string) ([]byte, bool, error)
	CacheSet(ctx context.Context, key string, val []byte, ttl time.Duration) error
}

// GitHub is what the worker needs of one installation's API.
type GitHub interface {
	ConfigFiles(ctx context.Context, owner, repo string) (repoFile, orgFile []byte, err error)
	FindIssue(ctx context.Context, owner, repo, marker string) (int, error)
	CreateIssue(ctx context.Context, owner, repo, title, body string) (int, error)
	GetIssue(ctx context.Context, owner, repo string, n int) (release.IssueInfo, error)
	EditIssueBody(ctx context.Context, owner, repo string, n int, body string) error
	// IssueEdits reads the issue body's edit history (who saved each
	// revision, when, and the body it left).
	IssueEdits(ctx context.Context, owner, repo string, n int) ([]release.BodyEdit, error)
	CloseIssue(ctx context.Context, owner, repo string, n int, reason string) error
	FindComment(ctx context.Context, owner, repo string, n int, marker string) (int64, error)
	CreateComment(ctx context.Context, owner, repo string, n int, body string) (int64, error)
	EditComment(ctx context.Context, owner, repo string, id int64, body string) error
	CreateCheckRun(ctx context.Context, owner, repo string, c release.CheckRun) (int64, error)
	UpdateCheckRun(ctx context.Context, owner, repo string, id int64, c release.CheckRun) error
	Permission(ctx context.Context, owner, repo, user string) (string, error)
	TeamMember(ctx context.Context, org, slug, user string) (bool, error)
	ReviewDeployment(ctx context.Context, owner, repo string, runID int64, env string, approve bool, comment string) error
	AddReaction(ctx context.Context, owner, repo string, commentID int64, content string) error
	CommitTree(ctx context.Context, owner, repo, sha string) (string, error)
	CompareFiles(ctx context.Context, owner, repo, base, head string) ([]string, bool, error)
	PullRequest(ctx context.Context, owner, repo string, n int) (release.PRInfo, error)
	PullsForCommit(ctx context.Context, owner, repo, sha string) ([]int, error)
	Checks(ctx context.Context, owner, repo, sha string) ([]release.CheckResult, error)
	LatestDeploy(ctx context.Context, owner, repo, env string) (release.DeployResult, bool, error)
	OpenTrackingIssues(ctx context.Context, owner, repo string) ([]release.IssueInfo, error)
	Repos(ctx context.Context) ([]string, error)
}

// Clients gives the API of an installation.
type Clients interface {
	Installation(id int64) (GitHub, error)
	Installations(ctx context.Context) ([]int64, error)
}
