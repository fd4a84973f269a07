// Package webhook turns GitHub webhook payloads into golive's normalized
// release events. It decodes the CI events (most deliveries) with slim
// types naming only the fields golive reads (checks.go), the others with
// go-github's types, and hands out only release types: nothing past this
// package sees a GitHub payload.
//
// It does no I/O. Finding which release a commit belongs to, and who the
// sender is in the repo, is left to the worker, which has Redis and GitHub.
package webhook

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/ghconv"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// Handled lists the events golive acts on. Ingest drops the others (and
// counts them) without queueing.
var Handled = map[string]bool{
	"pull_request":               true,
	"check_run":                  true,
	"check_suite":                true,
	"status":                     true,
	"deployment_status":          true,
	"issues":                     true,
	"issue_comment":              true,
	"membership":                 true,
	"team":                       true,
	"merge_group":                true,
	"deployment_protection_rule": true,
}

// Parsed is one delivery, normalized.
type Parsed struct {
	// Event is the release event, without its Key when the release has to
	// be found (see PRs and SHA).
	Event release.Event
	Owner string
	Repo  string
	// PRs are the pull requests the payload names. Empty means the worker
	// finds the releases by SHA (statuses, deployments).
	PRs []int
	// SHA is the commit the event is about.
	SHA string
	// Ref is a deployment's ref, a branch name or a SHA.
	Ref string
	// MergeSHA is a merged PR's merge commit, so deployments of it find
	// the release after the merge.
	MergeSHA string
	// Ignore, when set, says why the delivery changes nothing.
	Ignore string
	// InvalidateOrg, when set, names an org whose cached team memberships
	// are stale (membership and team events).
	InvalidateOrg string
	// MergeGroup is set for merge_group.checks_requested: the queue asks
	// for golive's check on the group's head.
	MergeGroup *MergeGroup
	// DeployGate is set for deployment_protection_rule.requested.
	DeployGate *DeployGate
}

// MergeGroup is a merge queue group awaiting checks.
type MergeGroup struct {
	HeadSHA string
	HeadRef string
}

// DeployGate is a deployment waiting for golive's approval.
type DeployGate struct {
	Environment string
	SHA, Ref    string
	// RunID is the workflow run to review, from the callback URL.
	RunID int64
}

// ErrMalformed is returned for a payload that is not the event it claims.
var ErrMalformed = errors.New("malformed payload")

// Parse normalizes a delivery. received is when ingest accepted it; it
// stands in for payloads that carry no time of their own.
func Parse(event string, payload []byte, received time.Time) (Parsed, error) {
	if !Handled[event] {
		return Parsed{Ignore: "golive does not handle " + event + " events"}, nil
	}
	var p Parsed
	p.Event.At = received
	slim, err := decodeSlim(event, payload) // checks.go: the CI events
	switch {
	case err != nil:
	case slim != nil:
		err = p.parseSlim(slim)
	default:
		err = p.parseFull(event, payload)
	}
	if err != nil {
		return Parsed{}, err
	}
	if p.Ignore == "" && (p.Owner == "" || p.Repo == "") {
		return Parsed{}, fmt.Errorf("%w: %s event without a repository", ErrMalformed, event)
	}
	return p, nil
}

// parseFull normalizes the events other than CI's, decoded with
// go-github's types.
func (p *Parsed) parseFull(event string, payload []byte) error {
	raw, err := github.ParseWebHook(event, payload)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	switch e := raw.(type) {
	case *github.PullRequestEvent:
		err = p.pullRequest(e)
	case *github.DeploymentStatusEvent:
		err = p.deploymentStatus(e)
	case *github.IssuesEvent:
		err = p.issues(e)
	case *github.IssueCommentEvent:
		err = p.issueComment(e)
	case *github.MergeGroupEvent:
		p.repo(e.GetRepo(), e.GetInstallation(), e.GetSender())
		if e.GetAction() != "checks_requested" {
			p.Ignore = "merge_group." + e.GetAction() + " needs no check"
			break
		}
		mg := e.GetMergeGroup()
		p.MergeGroup = &MergeGroup{HeadSHA: mg.GetHeadSHA(), HeadRef: mg.GetHeadRef()}
		p.PRs = queuedPRs(mg.GetHeadRef())
		p.SHA = mg.GetHeadSHA()
		if p.MergeGroup.HeadSHA == "" {
			err = fmt.Errorf("%w: merge_group without a head_sha", ErrMalformed)
		}
	case *github.DeploymentProtectionRuleEvent:
		p.repo(e.GetRepo(), e.GetInstallation(), e.GetSender())
		if e.GetAction() != "requested" {
			p.Ignore = "deployment_protection_rule." + e.GetAction()
			break
		}
		run, perr := runID(e.GetDeploymentCallbackURL())
		if perr != nil {
			err = perr
			break
		}
		d := e.GetDeployment()
		p.DeployGate = &DeployGate{Environment: e.GetEnvironment(), SHA: d.GetSHA(), Ref: d.GetRef(), RunID: run}
		p.SHA, p.Ref = d.GetSHA(), d.GetRef()
		for _, pr := range e.PullRequests {
			p.PRs = append(p.PRs, pr.GetNumber())
		}
	case *github.MembershipEvent:
		p.InvalidateOrg = e.GetOrg().GetLogin()
		p.Ignore = "membership changed"
	case *github.TeamEvent:
		p.InvalidateOrg = e.GetOrg().GetLogin()
		p.Ignore = "team changed"
	default:
		p.Ignore = "golive does not handle " + event + " events"
	}
	return err
}

func (p *Parsed) repo(r *github.Repository, inst *github.Installation, sender *github.User) {
	p.Owner, p.Repo = r.GetOwner().GetLogin(), r.GetName()
	p.Event.Installation = inst.GetID()
	p.Event.Actor = release.Principal{Login: sender.GetLogin(), Bot: sender.GetType() == "Bot"}
}

func at(ts *github.Timestamp, fallback time.Time) time.Time {
	if ts == nil || ts.IsZero() {
		return fallback
	}
	return ts.UTC()
}

func (p *Parsed) pullRequest(e *github.PullRequestEvent) error {
	p.repo(e.GetRepo(), e.GetInstallation(), e.GetSender())
	pr := e.GetPullRequest()
	if pr == nil || pr.GetNumber() == 0 {
		return fmt.Errorf("%w: pull_request event without a pull request", ErrMalformed)
	}
	p.PRs = []int{pr.GetNumber()}
	conv := ghconv.PR(pr)
	info := &conv
	if info.RepoID == 0 {
		info.RepoID = e.GetRepo().GetID()
	}
	p.SHA = info.HeadSHA
	p.Event.PR = info
	p.Event.At = at(pr.UpdatedAt, p.Event.At)
	switch e.GetAction() {
	case "opened", "reopened", "ready_for_review", "labeled", "unlabeled", "edited", "converted_to_draft":
		p.Event.Kind = release.EvPR
	case "synchronize":
		p.Event.Kind = release.EvPR
		info.Synchronize = true
	case "closed":
		p.Event.Kind = release.EvClosed
		if info.Merged {
			p.MergeSHA = pr.GetMergeCommitSHA()
		}
	default:
		p.Ignore = "pull_request." + e.GetAction() + " does not change a release"
	}
	return nil
}

func (p *Parsed) issues(e *github.IssuesEvent) error {
	p.repo(e.GetRepo(), e.GetInstallation(), e.GetSender())
	is := e.GetIssue()
	if is == nil {
		return fmt.Errorf("%w: issues event without an issue", ErrMalformed)
	}
	k, ok := render.ParseMarker(is.GetBody())
	if !ok || !strings.EqualFold(k.FullRepo(), p.Owner+"/"+p.Repo) {
		p.Ignore = "not a golive tracking issue"
		return nil
	}
	if e.GetAction() != "edited" || e.GetChanges().GetBody() == nil {
		p.Ignore = "issues." + e.GetAction() + " leaves the checklist as it is"
		return nil
	}
	p.PRs = []int{k.PR}
	p.Event.Kind = release.EvIssueEdited
	p.Event.At = at(is.UpdatedAt, p.Event.At)
	p.Event.Body = is.GetBody()
	p.Event.PrevBody = e.GetChanges().GetBody().GetFrom()
	return nil
}

func (p *Parsed) issueComment(e *github.IssueCommentEvent) error {
	p.repo(e.GetRepo(), e.GetInstallation(), e.GetSender())
	is, c := e.GetIssue(), e.GetComment()
	if is == nil || c == nil {
		return fmt.Errorf("%w: issue_comment event without an issue or comment", ErrMalformed)
	}
	if e.GetAction() != "created" {
		// Only new comments count: editing or deleting a comment never
		// gives, changes or takes back a sign-off.
		p.Ignore = "issue_comment." + e.GetAction() + " never changes a decision"
		return nil
	}
	if is.IsPullRequest() {
		p.PRs = []int{is.GetNumber()}
	} else {
		k, ok := render.ParseMarker(is.GetBody())
		if !ok || !strings.EqualFold(k.FullRepo(), p.Owner+"/"+p.Repo) {
			p.Ignore = "a comment on an issue golive does not track"
			return nil
		}
		p.PRs = []int{k.PR}
	}
	p.Event.Kind = release.EvComment
	p.Event.At = at(c.CreatedAt, p.Event.At)
	p.Event.Comment = &release.CommentInfo{ID: c.GetID(), Body: c.GetBody(), URL: c.GetHTMLURL(), Target: is.GetNumber()}
	return nil
}

// queueRef matches GitHub's merge queue branches,
// gh-readonly-queue/BASE/pr-NUMBER-SHA (seen 2026-11); a group of several
// PRs names its last, and the earlier ones are ahead of it in the queue.
var queueRef = regexp.MustCompile(`/pr-(\d+)-[0-9a-f]{40}$`)

func queuedPRs(ref string) []int {
	m := queueRef.FindStringSubmatch(ref)
	if m == nil {
		return nil
	}
	n, _ := strconv.Atoi(m[1])
	return []int{n}
}

var callbackRE = regexp.MustCompile(`/actions/runs/(\d+)/deployment_protection_rule$`)

func runID(callback string) (int64, error) {
	m := callbackRE.FindStringSubmatch(callback)
	if m == nil {
		return 0, fmt.Errorf("%w: deployment_callback_url %q names no workflow run", ErrMalformed, callback)
	}
	return strconv.ParseInt(m[1], 10, 64)
}
