package release

import (
	"time"
)

// EventKind names a normalized event.
type EventKind string

// The events Apply understands.
const (
	// EvPR: a release PR was opened, reopened, edited, labelled, marked
	// ready, or pushed to (PR.Synchronize).
	EvPR EventKind = "pr"
	// EvClosed: the PR closed, merged or not (PR.Merged).
	EvClosed EventKind = "closed"
	// EvCheck: a check run, check suite or commit status changed.
	EvCheck EventKind = "check"
	// EvDeploy: a deployment status was created.
	EvDeploy EventKind = "deploy"
	// EvIssueEdited: someone edited the tracking issue body.
	EvIssueEdited EventKind = "issue_edited"
	// EvRefresh: re-evaluate and re-sync (reconcile, /golive refresh,
	// the check run's Re-run).
	EvRefresh EventKind = "refresh"
	// EvConfig: the repo config was loaded (Problems empty) or failed.
	EvConfig EventKind = "config"
	// EvComment: a new comment on the PR or the tracking issue, which may
	// hold commands.
	EvComment EventKind = "comment"
	// EvProbe: a probe of an item ran.
	EvProbe EventKind = "probe"
)

// Principal is the person behind an event, with what the adapter learned
// of their standing in the repo. Known is false when GitHub could not say;
// then nothing they do is authorised (fail closed).
type Principal struct {
	Login      string   `json:"login"`
	Permission string   `json:"permission,omitempty"`
	Roles      []string `json:"roles,omitempty"`
	Known      bool     `json:"known"`
	Bot        bool     `json:"bot,omitempty"`
	// Teams are the config's teams GitHub said the person is in, and
	// CheckedAt when it answered (standing.go).
	Teams     []string  `json:"teams,omitempty"`
	CheckedAt time.Time `json:"checked_at,omitzero"`
}

// PRInfo is what a pull_request event tells of the PR.
type PRInfo struct {
	Title       string    `json:"title"`
	Author      string    `json:"author"`
	HeadRef     string    `json:"head_ref"`
	BaseRef     string    `json:"base_ref"`
	HeadSHA     string    `json:"head_sha"`
	HeadTree    string    `json:"head_tree,omitempty"`
	Labels      []string  `json:"labels,omitempty"`
	Draft       bool      `json:"draft,omitempty"`
	URL         string    `json:"url,omitempty"`
	Synchronize bool      `json:"synchronize,omitempty"`
	Merged      bool      `json:"merged,omitempty"`
	MergedAt    time.Time `json:"merged_at,omitzero"`
	CreatedAt   time.Time `json:"created_at,omitzero"`
	UpdatedAt   time.Time `json:"updated_at,omitzero"`
	// State ("open", "closed") and MergeSHA are known when the PR is read
	// back from GitHub by the reconciler.
	State    string `json:"state,omitempty"`
	MergeSHA string `json:"merge_sha,omitempty"`
	// RepoID is the base repository's id: unlike owner/repo it survives
	// a rename and is never reused by another repository.
	RepoID int64 `json:"repo_id,omitempty"`

	// Changed lists the files the push changed (the compare of the old
	// head with the new), for roles whose sign-off resets only on some
	// paths; ChangedKnown is false when GitHub's list could not be read
	// whole, and ChangedWhy says why.
	Changed      []string `json:"changed,omitempty"`
	ChangedKnown bool     `json:"changed_known,omitempty"`
	ChangedWhy   string   `json:"changed_why,omitempty"`
}

// IssueInfo is a tracking issue as read back from GitHub.
type IssueInfo struct {
	Number int    `json:"number"`
	Body   string `json:"body"`
	State  string `json:"state"`
	URL    string `json:"url"`
}

// IssueFound is what a look for a release's tracking issue on GitHub
// found: the issue (0: none), and golive's own comment on the release PR,
// read on the way.
type IssueFound struct {
	Issue int
	// Comment is golive's PR comment; when CommentKnown says the look
	// settled it, 0 means the PR holds none.
	Comment      int64
	CommentKnown bool
}

// Event is a normalized event: no GitHub types, time included.
type Event struct {
	Kind EventKind `json:"kind"`
	// At is when GitHub says the event happened (a comment's created_at,
	// an edit's updated_at); Received is when golive received it.
	At           time.Time     `json:"at"`
	Received     time.Time     `json:"received,omitzero"`
	Key          Key           `json:"key"`
	Installation int64         `json:"installation"`
	Actor        Principal     `json:"actor"`
	PR           *PRInfo       `json:"pr,omitempty"`
	Check        *CheckResult  `json:"check,omitempty"`
	Deploy       *DeployResult `json:"deploy,omitempty"`
	// Body and PrevBody are the edited issue body and what it was.
	Body     string          `json:"body,omitempty"`
	PrevBody string          `json:"prev_body,omitempty"`
	Problems []ConfigProblem `json:"problems,omitempty"`
	Comment  *CommentInfo    `json:"comment,omitempty"`
	Probe    *ProbeReport    `json:"probe,omitempty"`
}

// ProbeReport is one probe run of an item.
type ProbeReport struct {
	Item   string      `json:"item"`
	Result ProbeResult `json:"result"`
}

// EffectKind names a GitHub write Apply asks for.
type EffectKind string

// Effects. Sync renders the issue, PR comment and check run and writes
// what changed, creating them when missing.
const (
	EffSync       EffectKind = "sync"
	EffReply      EffectKind = "reply"
	EffCloseIssue EffectKind = "close_issue"
	// EffReact puts a reaction on a command comment, as its receipt.
	EffReact EffectKind = "react"
	// EffRefresh asks the adapters to re-read the release from GitHub.
	EffRefresh EffectKind = "refresh"
)

// Effect is one write for the adapters to carry out.
type Effect struct {
	Kind EffectKind `json:"kind"`
	// Body of a reply.
	Body string `json:"body,omitempty"`
	// Reason of a close: "completed" or "not_planned".
	Reason string `json:"reason,omitempty"`
	// Target of a reply: the issue or PR number; 0 is the tracking issue.
	Target int `json:"target,omitempty"`
	// CommentID and Reaction of a reaction.
	CommentID int64  `json:"comment_id,omitempty"`
	Reaction  string `json:"reaction,omitempty"`
}
