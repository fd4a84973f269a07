// Package ghconv turns GitHub's objects (go-github's types) into golive's
// release facts. It is the one set of converters: webhook deliveries
// (internal/webhook) and API reads (internal/githubapi) both use it, so a
// pull request, a check run, a commit status or a deployment means the
// same to golive however it arrived. It does no I/O.
package ghconv

import (
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/release"
)

// PR is a pull request's facts. RepoID is its base repository's id (zero
// when GitHub left the repository out).
func PR(p *github.PullRequest) release.PRInfo {
	info := release.PRInfo{
		Title: p.GetTitle(), Author: p.GetUser().GetLogin(), HeadRef: p.GetHead().GetRef(), BaseRef: p.GetBase().GetRef(),
		HeadSHA: p.GetHead().GetSHA(), Draft: p.GetDraft(), URL: p.GetHTMLURL(), Merged: p.GetMerged(),
		MergedAt: UTC(p.MergedAt), CreatedAt: UTC(p.CreatedAt), UpdatedAt: UTC(p.UpdatedAt),
		State: p.GetState(), MergeSHA: p.GetMergeCommitSHA(), RepoID: p.GetBase().GetRepo().GetID(),
	}
	for _, l := range p.Labels {
		info.Labels = append(info.Labels, l.GetName())
	}
	return info
}

// CheckRun is a check run's result on its head commit, at its completion
// (or its start, while it runs). A run that has not completed has no
// conclusion, whatever an earlier attempt concluded.
func CheckRun(cr *github.CheckRun) release.CheckResult {
	at := UTC(cr.CompletedAt)
	if at.IsZero() {
		at = UTC(cr.StartedAt)
	}
	c := release.CheckResult{Name: cr.GetName(), Kind: "check_run", ID: cr.GetID(), SHA: cr.GetHeadSHA(),
		Status: cr.GetStatus(), Conclusion: cr.GetConclusion(), URL: cr.GetHTMLURL(), At: at,
		App: cr.GetApp().GetSlug(), AppID: cr.GetApp().GetID()}
	if c.Status != "completed" {
		c.Conclusion = ""
	}
	return c
}

// Status is a commit status as a check result: success is a successful
// completion, failure and error a failed one, pending still running.
// creator is who posted it (the API's creator; a status event's sender).
func Status(context string, id int64, sha, state, targetURL, creator string, at time.Time) release.CheckResult {
	c := release.CheckResult{Name: context, Kind: "status", ID: id, SHA: sha, URL: targetURL, At: at.UTC(), Creator: creator}
	switch state {
	case "success":
		c.Status, c.Conclusion = "completed", "success"
	case "failure", "error":
		c.Status, c.Conclusion = "completed", "failure"
	default:
		c.Status = "in_progress"
	}
	return c
}

// Deploy is a deployment's latest status in env: its log URL (or target
// URL), who set it and when.
func Deploy(env string, d *github.Deployment, st *github.DeploymentStatus) release.DeployResult {
	url := st.GetLogURL()
	if url == "" {
		url = st.GetTargetURL()
	}
	return release.DeployResult{Environment: env, DeploymentID: d.GetID(), SHA: d.GetSHA(), State: st.GetState(),
		Creator: st.GetCreator().GetLogin(), URL: url, At: UTC(st.CreatedAt)}
}

// UTC is a GitHub timestamp in UTC; zero when GitHub gave none.
func UTC(ts *github.Timestamp) time.Time {
	if ts == nil || ts.IsZero() {
		return time.Time{}
	}
	return ts.UTC()
}
