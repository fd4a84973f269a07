package tracker

import (
	"context"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
)

// The tracker's ports: each names the few methods one concern needs, so a
// test fakes only what it drives (trackertest has in-memory fakes of
// every one) and redisstore or githubapi implement them all.

// States keeps each release's record.
type States interface {
	LoadState(ctx context.Context, release string) ([]byte, error)
	SaveState(ctx context.Context, release string, state []byte, open bool) error
	// Releases lists the open releases.
	Releases(ctx context.Context) ([]string, error)
}

// Locks is each release's lock and its line of waiters (see lane.go).
type Locks interface {
	// AcquireState seats token in the release's lock queue at its place
	// and takes the lock if take is set and token is first; taken, it
	// reads the release's saved state and its unsure mark under it in the
	// same round trip (not Loaded: not read, and LoadState is asked
	// instead).
	AcquireState(ctx context.Context, release, token string, ttl time.Duration, p queue.Place, take bool) (queue.Taken, error)
	Leave(ctx context.Context, release, token string, p queue.Place) error
	Extend(ctx context.Context, release, token string, ttl time.Duration) error
	Release(ctx context.Context, release, token string) error
}

// Index finds releases by commit and branch.
type Index interface {
	IndexCommit(ctx context.Context, repo, sha, release string) error
	IndexRef(ctx context.Context, repo, ref, release string) error
	ByCommit(ctx context.Context, repo, sha string) ([]string, error)
	ByRef(ctx context.Context, repo, ref string) ([]string, error)
}

// Marks are the releases owed a sync, coalesced.
type Marks interface {
	// MarkDirty returns the mark and when it falls due. since is when
	// the change it marks reached golive (zero: now); a release with no
	// mark yet counts maxWait from there (redisstore.Store.MarkDirty).
	MarkDirty(ctx context.Context, release string, now time.Time, window, maxWait time.Duration, since time.Time) (queue.Dirty, time.Time, error)
	DueDirty(ctx context.Context, now time.Time, n int) ([]queue.Dirty, error)
	ClearDirty(ctx context.Context, d queue.Dirty) (bool, error)
}

// Cache keeps small values shared by every replica.
type Cache interface {
	CacheGet(ctx context.Context, key string) ([]byte, bool, error)
	CacheSet(ctx context.Context, key string, val []byte, ttl time.Duration) error
	// Lease takes name for ttl if nobody holds it; it is never released,
	// only expires: one holder per period.
	Lease(ctx context.Context, name string, ttl time.Duration) (bool, error)
}

// Queue is what the tracker writes to the queue, and the one question it
// asks of it: which deliveries are still ahead of an entry.
type Queue interface {
	queue.Enqueuer
	// Outstanding lists the deliveries ahead of a stream entry and those
	// waiting for a retry, at most max of each; more when some were left.
	Outstanding(ctx context.Context, entry string, max int) (ds []queue.Delivery, more bool, err error)
}

// Store is every storage port at once; redisstore.Store is one.
type Store interface {
	States
	Locks
	Index
	Marks
	Cache
	Queue
}

// Issues writes the tracking issue, the PR comment, replies and reactions.
type Issues interface {
	// FindIssue finds the tracking issue, and golive's PR comment as it
	// read it on the way (release.IssueFound).
	FindIssue(ctx context.Context, owner, repo, marker string) (release.IssueFound, error)
	// FindIssuePointed is FindIssue without its issue list when the PR
	// carries no golive comment.
	FindIssuePointed(ctx context.Context, owner, repo, marker string) (release.IssueFound, error)
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
	AddReaction(ctx context.Context, owner, repo string, commentID int64, content string) error
}

// Gates writes the verdicts GitHub gates on: check runs and answers to
// deployment protection rules.
type Gates interface {
	CreateCheckRun(ctx context.Context, owner, repo string, c release.CheckRun) (int64, error)
	UpdateCheckRun(ctx context.Context, owner, repo string, id int64, c release.CheckRun) error
	ReviewDeployment(ctx context.Context, owner, repo string, runID int64, env string, approve bool, comment string) error
}

// Reads are what the tracker reads of GitHub to learn a release's facts.
type Reads interface {
	ConfigFiles(ctx context.Context, owner, repo string) (repoFile, orgFile []byte, err error)
	Permission(ctx context.Context, owner, repo, user string) (string, error)
	TeamMember(ctx context.Context, org, slug, user string) (bool, error)
	// TeamMembers lists a team's members; complete is false when it has
	// more than one bounded list holds.
	TeamMembers(ctx context.Context, org, slug string) (logins []string, complete bool, err error)
	CommitTree(ctx context.Context, owner, repo, sha string) (string, error)
	CompareFiles(ctx context.Context, owner, repo, base, head string) ([]string, bool, error)
	PullRequest(ctx context.Context, owner, repo string, n int) (release.PRInfo, error)
	PullsForCommit(ctx context.Context, owner, repo, sha string) ([]int, error)
	Checks(ctx context.Context, owner, repo, sha string) ([]release.CheckResult, error)
	LatestDeploy(ctx context.Context, owner, repo, env string) (release.DeployResult, bool, error)
	OpenTrackingIssues(ctx context.Context, owner, repo string) ([]release.IssueInfo, error)
	Repos(ctx context.Context) ([]string, error)
}

// GitHub is one installation's API: its writes and its reads.
type GitHub interface {
	Issues
	Gates
	Reads
}

// Clients gives the API of an installation.
type Clients interface {
	Installation(id int64) (GitHub, error)
	Installations(ctx context.Context) ([]int64, error)
}

// Prober runs one probe.
type Prober interface {
	Run(ctx context.Context, p *checklist.Probe) release.ProbeResult
}

// MetricQuerier reads metric items' values. A Prober that also
// implements it (probe.Runner does) evaluates metric items on the probes'
// schedule, leases and queue; one that does not leaves them waiting.
type MetricQuerier interface {
	Metric(ctx context.Context, m *checklist.Metric) release.ProbeResult
}

// TargetChecker is a Prober that can tell, before any probe runs, whether
// its guard would refuse a host (probe.Runner is one).
type TargetChecker interface {
	CheckTarget(host string) error
}
