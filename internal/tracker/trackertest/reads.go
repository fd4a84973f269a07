package trackertest

import (
	"context"
	"slices"
	"strings"

	"github.com/ag06mixer/golive/internal/release"
)

func (g *GitHub) ConfigFiles(context.Context, string, string) ([]byte, []byte, error) {
	err := g.call("ConfigFiles")
	defer g.mu.Unlock()
	return slices.Clone(g.ConfigRepo), nil, err
}

func (g *GitHub) Permission(_ context.Context, _, _, user string) (string, error) {
	err := g.call("Permission")
	defer g.mu.Unlock()
	if p, ok := g.Perms[user]; ok || err != nil {
		return p, err
	}
	return "none", nil
}

func (g *GitHub) TeamMember(_ context.Context, org, slug, user string) (bool, error) {
	err := g.call("TeamMember")
	defer g.mu.Unlock()
	return slices.ContainsFunc(g.Teams[org+"/"+slug], func(m string) bool { return strings.EqualFold(m, user) }), err
}

func (g *GitHub) TeamMembers(_ context.Context, org, slug string) ([]string, bool, error) {
	err := g.call("TeamMembers")
	defer g.mu.Unlock()
	if err != nil {
		return nil, false, err
	}
	t := org + "/" + slug
	if g.BigTeams[t] {
		return slices.Clone(g.Teams[t][:min(len(g.Teams[t]), 1)]), false, nil
	}
	return slices.Clone(g.Teams[t]), true, nil
}

func (g *GitHub) CommitTree(_ context.Context, _, _, sha string) (string, error) {
	err := g.call("CommitTree")
	defer g.mu.Unlock()
	if t, ok := g.Trees[sha]; ok || err != nil {
		return t, err
	}
	return "tree-" + sha, nil
}

func (g *GitHub) CompareFiles(context.Context, string, string, string, string) ([]string, bool, error) {
	err := g.call("CompareFiles")
	defer g.mu.Unlock()
	return nil, false, err
}

func (g *GitHub) PullRequest(_ context.Context, _, _ string, n int) (release.PRInfo, error) {
	err := g.call("PullRequest")
	defer g.mu.Unlock()
	if err != nil {
		return release.PRInfo{}, err
	}
	pr, ok := g.PRs[n]
	if !ok {
		return release.PRInfo{}, StatusError{404}
	}
	return pr, nil
}

func (g *GitHub) PullsForCommit(_ context.Context, _, _, sha string) ([]int, error) {
	err := g.call("PullsForCommit")
	defer g.mu.Unlock()
	var out []int
	for n, pr := range g.PRs {
		if pr.HeadSHA == sha || (pr.MergeSHA != "" && pr.MergeSHA == sha) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, err
}

func (g *GitHub) Checks(_ context.Context, _, _, sha string) ([]release.CheckResult, error) {
	err := g.call("Checks")
	defer g.mu.Unlock()
	return slices.Clone(g.CI[sha]), err
}

func (g *GitHub) LatestDeploy(context.Context, string, string, string) (release.DeployResult, bool, error) {
	err := g.call("LatestDeploy")
	defer g.mu.Unlock()
	return release.DeployResult{}, false, err
}

func (g *GitHub) OpenTrackingIssues(context.Context, string, string) ([]release.IssueInfo, error) {
	err := g.call("OpenTrackingIssues")
	defer g.mu.Unlock()
	var out []release.IssueInfo
	for n, is := range g.Issues {
		if is.State == "open" {
			out = append(out, release.IssueInfo{Number: n, Body: is.Body, State: is.State})
		}
	}
	return out, err
}

func (g *GitHub) Repos(context.Context) ([]string, error) {
	err := g.call("Repos")
	defer g.mu.Unlock()
	return []string{g.Owner + "/" + g.Repo}, err
}
