package githubfake

import (
	"encoding/json"
	"time"
)

// Request is one request the fake served.
type Request struct {
	Method, Route, Path string
	Status              int
	At                  time.Time
	// RetryAfter is the Retry-After the fake answered with, if any.
	RetryAfter time.Duration
	// Start is when the request arrived.
	Start time.Time
	// Created is the path of what a create made (from its Location).
	Created string
}

// Repo is a repository's state in the fake.
type Repo struct {
	// ID is the repository's id (Codertocat/Hello-World gets the one the
	// recorded webhook payloads carry).
	ID            int64
	Owner, Name   string
	DefaultBranch string
	// Private repos are seen by user tokens only of people in Perms.
	Private     bool
	Files       map[string]string // path on the default branch → content
	Perms       map[string]string // login → permission
	Issues      []*Issue
	Comments    []*Comment
	CheckRuns   []*CheckRun
	Statuses    []*Status
	Deployments []*Deployment
	Reactions   []Reaction
	Pulls       map[int]*Pull
	// Trees maps a commit to its tree; a commit not listed has a tree of
	// its own ("tree-" + sha).
	Trees map[string]string
	// Compares maps "base...head" to the files changed between them; a
	// pair not listed is a 404.
	Compares map[string][]string
	// Installation is the App installation the repo belongs to.
	Installation int64
	// Protection holds each protected branch's required status checks
	// ({"strict":…, "checks":[…]}), Rulesets the repository rulesets.
	Protection map[string]map[string]any
	Rulesets   []map[string]any
	// GateReviews are the deployment protection rule answers received.
	GateReviews []GateReview
	// Deleted holds deleted issues' numbers and the status GitHub answers
	// for them (410 Gone, or 404).
	Deleted map[int]int
	// FilesAt maps a ref (a commit, or a branch other than the default) to
	// its files, for reads with ?ref= (a config PR's head).
	FilesAt map[string]map[string]string
}

// GateReview is an answer to a deployment protection rule.
type GateReview struct {
	RunID                       int64
	Environment, State, Comment string
}

// Pull is a pull request in the fake.
type Pull struct {
	Number           int
	Title, Author    string
	HeadRef, BaseRef string
	HeadSHA          string
	Labels           []string
	State            string // open, closed
	Merged           bool
	MergeSHA         string
	Commits          []string // SHAs of the PR's commits, head last
	UpdatedAt        time.Time
}

// Issue is an issue in the fake.
type Issue struct {
	Number      int      `json:"number"`
	Title       string   `json:"title"`
	Body        string   `json:"body"`
	State       string   `json:"state"`
	StateReason string   `json:"state_reason,omitempty"`
	Labels      []string `json:"-"`
	Edits       int      `json:"-"`
	// Author is who opened the issue: BotLogin for issues golive created
	// through the API; a person for issues a test puts in directly.
	Author string `json:"-"`
	// History is the body's edit history, oldest first (see graphql.go).
	History []Edit `json:"-"`
}

// BotLogin is the login GitHub gives the fake's App ("<slug>[bot]").
const BotLogin = "golive[bot]"

// Comment is an issue or PR comment in the fake.
type Comment struct {
	ID     int64  `json:"id"`
	Issue  int    `json:"-"`
	Body   string `json:"body"`
	Author string `json:"-"`
	Edits  int    `json:"-"`
}

// CheckRun is a check run in the fake.
type CheckRun struct {
	ID         int64           `json:"id"`
	Name       string          `json:"name"`
	HeadSHA    string          `json:"head_sha"`
	Status     string          `json:"status"`
	Conclusion string          `json:"conclusion,omitempty"`
	DetailsURL string          `json:"details_url,omitempty"`
	Output     json.RawMessage `json:"output,omitempty"`
	Actions    json.RawMessage `json:"actions,omitempty"`
	HTMLURL    string          `json:"html_url,omitempty"`
	// CompletedAt is set for check runs other apps report.
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	Updates     int        `json:"-"`
}

// Title returns the check run's output title.
func (c *CheckRun) Title() string {
	var o struct {
		Title   string `json:"title"`
		Summary string `json:"summary"`
	}
	json.Unmarshal(c.Output, &o)
	return o.Title
}

// Summary returns the check run's output summary.
func (c *CheckRun) Summary() string {
	var o struct {
		Summary string `json:"summary"`
	}
	json.Unmarshal(c.Output, &o)
	return o.Summary
}

// Status is a commit status in the fake.
type Status struct {
	SHA, Context, State, TargetURL string
	At                             time.Time
	// Creator is the login that posted it (GitHub's creator.login).
	Creator string
}

// Deployment is a deployment with its statuses.
type Deployment struct {
	ID          int64
	SHA, Ref    string
	Environment string
	Creator     string
	Statuses    []DeploymentStatus
}

// DeploymentStatus is one status of a deployment, newest last.
type DeploymentStatus struct {
	ID    int64
	State string
	At    time.Time
}

// Reaction is a reaction on a comment.
type Reaction struct {
	CommentID int64
	Content   string
}
