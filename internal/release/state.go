// Package release is golive's functional core: the state of one release,
// the normalized events that change it, Apply, the verdict and the effects
// (GitHub writes) a change implies.
//
// It is pure. Time comes in with the event; nothing here touches the
// network, a clock, randomness or a GitHub type.
package release

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
)

// Key names a release: the repository and its release pull request.
type Key struct {
	Owner string `json:"owner"`
	Repo  string `json:"repo"`
	PR    int    `json:"pr"`
}

func (k Key) String() string { return fmt.Sprintf("%s/%s#%d", k.Owner, k.Repo, k.PR) }

// FullRepo is "owner/repo".
func (k Key) FullRepo() string { return k.Owner + "/" + k.Repo }

// Status is where a release stands in its life.
type Status string

// Release statuses.
const (
	StatusOpen   Status = "open"
	StatusMerged Status = "merged"
	StatusClosed Status = "closed"
)

// State is everything golive knows of one release. Every fact in it can be
// rebuilt from GitHub (see DESIGN.md): Redis holds it only as a cache.
type State struct {
	Key          Key       `json:"key"`
	Installation int64     `json:"installation"`
	Title        string    `json:"title"`
	Author       string    `json:"author"`
	HeadRef      string    `json:"head_ref"`
	BaseRef      string    `json:"base_ref"`
	HeadSHA      string    `json:"head_sha"`
	HeadTree     string    `json:"head_tree,omitempty"`
	LastPusher   string    `json:"last_pusher,omitempty"`
	Status       Status    `json:"status"`
	OpenedAt     time.Time `json:"opened_at"`
	MergedAt     time.Time `json:"merged_at,omitzero"`
	URL          string    `json:"url,omitempty"`
	// PRAt is the updated_at of the last PR event applied; older ones
	// arriving late change nothing.
	PRAt time.Time `json:"pr_at,omitzero"`

	// The GitHub objects golive keeps edited in place.
	Issue      int   `json:"issue,omitempty"`
	CommentID  int64 `json:"comment_id,omitempty"`
	CheckRunID int64 `json:"check_run_id,omitempty"`
	// CheckSHA is the commit the check run was created on.
	CheckSHA string `json:"check_sha,omitempty"`
	// IssueCreating is saved before golive asks GitHub to create the
	// tracking issue and cleared with the issue's number: while set, the
	// issue may exist unrecorded, so it is looked for by the list as well
	// as by golive's PR comment (schema 3).
	IssueCreating bool `json:"issue_creating,omitempty"`

	// Checks holds the latest check run or status per name and commit
	// ("name@sha"); only those on HeadSHA count.
	Checks map[string]CheckResult `json:"checks,omitempty"`
	// Deploys holds the latest deployment status per environment.
	Deploys map[string]DeployResult `json:"deploys,omitempty"`
	// Manual holds hand ticks by item id.
	Manual map[string]Tick `json:"manual,omitempty"`
	// Probes holds the latest result and bounded history per item id.
	Probes map[string]ProbeHistory `json:"probes,omitempty"`
	// Signoffs is the ledger, voided entries included.
	Signoffs []Signoff `json:"signoffs,omitempty"`
	// Waivers by item id.
	Waivers map[string]Waiver `json:"waivers,omitempty"`
	Hold    *Hold             `json:"hold,omitempty"`
	// Unseen holds the boxes a person changed that no event judged yet,
	// by item id (see Unseen).
	Unseen map[string]Unseen `json:"unseen,omitempty"`
	// Pending holds the approvals that arrived before the sign-offs they
	// wait for (see PendingApproval).
	Pending []PendingApproval `json:"pending,omitempty"`
	// Seen holds the ids of comments whose commands were applied, so a
	// redelivered comment is never applied twice.
	Seen []int64 `json:"seen,omitempty"`

	Audit []AuditEntry `json:"audit,omitempty"`

	// RepoID is the repository's id (0 until a PR event says it); the
	// ledger carries it, so a ledger is bound to the repository itself,
	// not only to its name.
	RepoID int64 `json:"repo_id,omitempty"`
	// ConfigProblems, when set, fail the gate: the repo config is invalid.
	ConfigProblems []ConfigProblem `json:"config_problems,omitempty"`

	// Written remembers what golive last wrote, so it writes only changes.
	Written Written `json:"written"`
	// WrittenBoxes are the boxes of the issue body golive last wrote,
	// (written.go); schema 3.
	WrittenBoxes string `json:"written_boxes,omitempty"`

	// FinishedAt is when golive stopped following the merged release: its
	// last window closed and the tracking issue was closed (lifecycle.go).
	FinishedAt time.Time `json:"finished_at,omitzero"`
	// Milestones holds the release events golive acted on once (a chat
	// notification queued, a health metric observed), by id (notice.go).
	Milestones map[string]time.Time `json:"milestones,omitempty"`
	// Blocked is why the open release was not ready at its last sync
	// (BlockReason), for the releases-blocked gauge.
	Blocked string `json:"blocked,omitempty"`
	// RemindReply is the last reply golive posted about due reminders
	// (remindreply.go).
	RemindReply *RemindReply `json:"remind_reply,omitempty"`
	// schema and unknown are the record's version and the members a newer
	// golive wrote that this one does not know, kept on save (schema.go).
	schema  int
	unknown map[string]json.RawMessage
}

// Written holds what golive last wrote to each GitHub object: of the
// issue body and the check run a hash ("sha256:…", written.go), or the
// text as a golive before schema 3 kept it.
type Written struct {
	IssueBody   string `json:"issue_body,omitempty"`
	IssueState  string `json:"issue_state,omitempty"`
	Comment     string `json:"comment,omitempty"`
	CheckDigest string `json:"check_digest,omitempty"`
}

// ConfigProblem is a config problem shown as a check run annotation.
type ConfigProblem struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
}

// CheckResult is the latest check run or commit status of one name.
type CheckResult struct {
	Name       string    `json:"name"`
	Kind       string    `json:"kind"` // "check_run" or "status"
	ID         int64     `json:"id,omitempty"`
	SHA        string    `json:"sha"`
	Status     string    `json:"status"`     // queued, in_progress, completed
	Conclusion string    `json:"conclusion"` // success, failure, neutral, skipped, …
	URL        string    `json:"url,omitempty"`
	At         time.Time `json:"at"`
	// App is the slug and AppID the id of the App that created a check
	// run; Creator the login that posted a status. Items that pin their
	// sources count only results from them.
	App     string `json:"app,omitempty"`
	AppID   int64  `json:"app_id,omitempty"`
	Creator string `json:"creator,omitempty"`
}

// Passed reports whether the result counts as success evidence.
func (c CheckResult) Passed() bool {
	return c.Status == "completed" && (c.Conclusion == "success" || c.Conclusion == "neutral" || c.Conclusion == "skipped")
}

// DeployResult is the latest deployment status of one environment.
type DeployResult struct {
	Environment  string    `json:"environment"`
	DeploymentID int64     `json:"deployment_id"`
	SHA          string    `json:"sha"`
	State        string    `json:"state"`
	Creator      string    `json:"creator,omitempty"`
	URL          string    `json:"url,omitempty"`
	At           time.Time `json:"at"`
}

// Tick is a hand tick of a manual item.
type Tick struct {
	By  string    `json:"by"`
	At  time.Time `json:"at"`
	SHA string    `json:"sha,omitempty"`
	// Via says how: "issue" (a box ticked in the tracking issue) or a
	// comment URL for /check.
	Via string `json:"via,omitempty"`
}

// Signoff is one entry of the sign-off ledger.
type Signoff struct {
	Role      string    `json:"role"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
	SHA       string    `json:"sha"`
	Tree      string    `json:"tree,omitempty"`
	CommentID int64     `json:"comment_id,omitempty"`
	URL       string    `json:"url,omitempty"`
	// VoidedAt and VoidReason are set once the sign-off no longer counts.
	VoidedAt   time.Time `json:"voided_at,omitzero"`
	VoidReason string    `json:"void_reason,omitempty"`
	// Standing is what golive checked of the signer then (standing.go).
	Standing *Standing `json:"standing,omitempty"`
}

// Active reports whether the sign-off still counts.
func (s Signoff) Active() bool { return s.VoidedAt.IsZero() }

// Waiver excuses an item.
type Waiver struct {
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Reason  string    `json:"reason"`
	Expires time.Time `json:"expires,omitzero"`
	URL     string    `json:"url,omitempty"`
}

// ActiveAt reports whether the waiver holds at now.
func (w Waiver) ActiveAt(now time.Time) bool { return w.Expires.IsZero() || now.Before(w.Expires) }

// Hold blocks the verdict until lifted.
type Hold struct {
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
	URL    string    `json:"url,omitempty"`
}

// ProbeResult is one probe run.
type ProbeResult struct {
	At      time.Time     `json:"at"`
	OK      bool          `json:"ok"`
	Latency time.Duration `json:"latency"`
	Detail  string        `json:"detail,omitempty"`
	// Metric is set for a metric item's evaluation: the query, the value
	// and the expectation it was judged against.
	Metric *MetricSample `json:"metric,omitempty"`
}

// ProbeHistory is the latest result of an item's probe and a bounded
// history of earlier ones.
type ProbeHistory struct {
	Last    ProbeResult   `json:"last"`
	History []ProbeResult `json:"history,omitempty"`
}

// AuditEntry records one decision.
type AuditEntry struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor,omitempty"`
	Action string    `json:"action"`
	Detail string    `json:"detail"`
}

// MaxAudit bounds the audit trail kept in state; the tracking issue and
// comments on GitHub keep the full record.
const MaxAudit = 500

// New returns the state of a release not yet seen.
func New(k Key) *State {
	return &State{Key: k, Status: StatusOpen}
}

// Phase returns the phase whose items currently count for the gate.
func (s *State) Phase() checklist.Phase {
	if s.Status == StatusMerged {
		return checklist.Phase24h
	}
	return checklist.PhasePreMerge
}
