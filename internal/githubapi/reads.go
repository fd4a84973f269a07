package githubapi

import (
	"context"
	"fmt"

	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/ghconv"
	"github.com/ag06mixer/golive/internal/release"
)

// PullRequest reads a pull request.
func (in *Installation) PullRequest(ctx context.Context, owner, repo string, n int) (release.PRInfo, error) {
	p, resp, err := in.c.PullRequests.Get(ctx, owner, repo, n)
	if err != nil {
		return release.PRInfo{}, fmt.Errorf("get pull request %s/%s#%d: %w", owner, repo, n, notFound(resp, err))
	}
	return ghconv.PR(p), nil
}

// PullsForCommit lists the pull requests a commit belongs to (as head or
// merge commit).
func (in *Installation) PullsForCommit(ctx context.Context, owner, repo, sha string) ([]int, error) {
	ps, _, err := in.c.PullRequests.ListPullRequestsWithCommit(ctx, owner, repo, sha, &github.ListOptions{PerPage: 100})
	if err != nil {
		return nil, fmt.Errorf("pull requests of %s/%s@%s: %w", owner, repo, sha, err)
	}
	out := make([]int, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.GetNumber())
	}
	return out, nil
}

// Checks reads every check run and commit status on a commit, golive's
// own check run excepted.
func (in *Installation) Checks(ctx context.Context, owner, repo, sha string) ([]release.CheckResult, error) {
	var out []release.CheckResult
	opt := &github.ListCheckRunsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		res, resp, err := in.c.Checks.ListCheckRunsForRef(ctx, owner, repo, sha, opt)
		if err != nil {
			return nil, fmt.Errorf("check runs of %s/%s@%s: %w", owner, repo, sha, err)
		}
		for _, cr := range res.CheckRuns {
			if cr.GetName() == release.CheckName {
				continue
			}
			c := ghconv.CheckRun(cr)
			c.SHA = sha // the commit asked about, as the webhook's head_sha
			out = append(out, c)
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	st, _, err := in.c.Repositories.GetCombinedStatus(ctx, owner, repo, sha, &github.ListOptions{PerPage: 100})
	if err != nil {
		return nil, fmt.Errorf("statuses of %s/%s@%s: %w", owner, repo, sha, err)
	}
	for _, s := range st.Statuses {
		out = append(out, ghconv.Status(s.GetContext(), s.GetID(), sha, s.GetState(), s.GetTargetURL(), s.GetCreator().GetLogin(), ghconv.UTC(s.UpdatedAt)))
	}
	return out, nil
}

// LatestDeploy reads the newest deployment to an environment and its
// newest status; ok is false when there is none.
func (in *Installation) LatestDeploy(ctx context.Context, owner, repo, env string) (release.DeployResult, bool, error) {
	ds, _, err := in.c.Repositories.ListDeployments(ctx, owner, repo, &github.DeploymentsListOptions{Environment: env, ListOptions: github.ListOptions{PerPage: 1}})
	if err != nil {
		return release.DeployResult{}, false, fmt.Errorf("deployments of %s/%s to %s: %w", owner, repo, env, err)
	}
	if len(ds) == 0 {
		return release.DeployResult{}, false, nil
	}
	d := ds[0]
	sts, _, err := in.c.Repositories.ListDeploymentStatuses(ctx, owner, repo, d.GetID(), &github.ListOptions{PerPage: 1})
	if err != nil {
		return release.DeployResult{}, false, fmt.Errorf("statuses of deployment %d: %w", d.GetID(), err)
	}
	if len(sts) == 0 {
		return release.DeployResult{}, false, nil
	}
	return ghconv.Deploy(env, d, sts[0]), true, nil
}

// GetIssue reads an issue.
func (in *Installation) GetIssue(ctx context.Context, owner, repo string, n int) (release.IssueInfo, error) {
	is, resp, err := in.c.Issues.Get(ctx, owner, repo, n)
	if err != nil {
		return release.IssueInfo{}, fmt.Errorf("get issue %s/%s#%d: %w", owner, repo, n, notFound(resp, err))
	}
	return release.IssueInfo{Number: n, Body: is.GetBody(), State: is.GetState(), URL: is.GetHTMLURL()}, nil
}

// OpenTrackingIssues lists the open issues labelled golive:release.
func (in *Installation) OpenTrackingIssues(ctx context.Context, owner, repo string) ([]release.IssueInfo, error) {
	opt := &github.IssueListByRepoOptions{Labels: []string{release.IssueLabel}, State: "open", ListOptions: github.ListOptions{PerPage: 100}}
	var out []release.IssueInfo
	for {
		issues, resp, err := in.c.Issues.ListByRepo(ctx, owner, repo, opt)
		if err != nil {
			return nil, fmt.Errorf("list tracking issues of %s/%s: %w", owner, repo, err)
		}
		for _, is := range issues {
			ours, err := in.byGolive(ctx, is)
			if err != nil {
				return nil, err
			}
			if ours {
				out = append(out, release.IssueInfo{Number: is.GetNumber(), Body: is.GetBody(), State: is.GetState(), URL: is.GetHTMLURL()})
			}
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opt.Page = resp.NextPage
	}
}

// Repos lists the repositories the installation can reach, "owner/name".
func (in *Installation) Repos(ctx context.Context) ([]string, error) {
	opt := &github.ListOptions{PerPage: 100}
	var out []string
	for {
		rs, resp, err := in.c.Apps.ListRepos(ctx, opt)
		if err != nil {
			return nil, fmt.Errorf("list repositories of installation %d: %w", in.ID, err)
		}
		for _, r := range rs.Repositories {
			out = append(out, r.GetFullName())
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opt.Page = resp.NextPage
	}
}

// Installations lists the App's installations (as the App, with its JWT).
func (a *App) Installations(ctx context.Context) ([]int64, error) {
	c, err := a.appClient()
	if err != nil {
		return nil, err
	}
	opt := &github.ListOptions{PerPage: 100}
	var out []int64
	for {
		is, resp, err := c.Apps.ListInstallations(ctx, opt)
		if err != nil {
			return nil, fmt.Errorf("list installations: %w", err)
		}
		for _, i := range is {
			out = append(out, i.GetID())
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opt.Page = resp.NextPage
	}
}
