package githubapi

import (
	"context"
	"fmt"
	"time"

	"github.com/google/go-github/v60/github"
)

// CommentBodies lists the bodies of the comments on issue n, oldest first
// (GitHub's order). golive reads its receipts back from them.
func (in *Installation) CommentBodies(ctx context.Context, owner, repo string, n int) ([]string, error) {
	opt := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	var out []string
	for {
		cs, resp, err := in.c.Issues.ListComments(ctx, owner, repo, n, opt)
		if err != nil {
			return nil, fmt.Errorf("list comments of %s/%s#%d: %w", owner, repo, n, err)
		}
		for _, c := range cs {
			out = append(out, c.GetBody())
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opt.Page = resp.NextPage
	}
}

// PullFacts reads what a receipt names of a pull request beyond golive's
// state: the repository's id, the base and merge commits.
func (in *Installation) PullFacts(ctx context.Context, owner, repo string, n int) (repoID int64, baseSHA, mergeSHA string, err error) {
	p, resp, err := in.c.PullRequests.Get(ctx, owner, repo, n)
	if err != nil {
		return 0, "", "", fmt.Errorf("get pull request %s/%s#%d: %w", owner, repo, n, notFound(resp, err))
	}
	if p.GetMerged() {
		mergeSHA = p.GetMergeCommitSHA()
	}
	repoID = p.GetBase().GetRepo().GetID()
	if repoID == 0 {
		r, _, err := in.c.Repositories.Get(ctx, owner, repo)
		if err != nil {
			return 0, "", "", fmt.Errorf("get repo %s/%s: %w", owner, repo, err)
		}
		repoID = r.GetID()
	}
	return repoID, p.GetBase().GetSHA(), mergeSHA, nil
}

// ReleaseIssues lists the numbers of a repository's tracking issues (label
// golive:release), open and closed, updated since since (zero: all).
func (in *Installation) ReleaseIssues(ctx context.Context, owner, repo string, since time.Time) ([]int, error) {
	opt := &github.IssueListByRepoOptions{State: "all", Labels: []string{"golive:release"}, Since: since, Direction: "asc", ListOptions: github.ListOptions{PerPage: 100}}
	var out []int
	for {
		is, resp, err := in.c.Issues.ListByRepo(ctx, owner, repo, opt)
		if err != nil {
			return nil, fmt.Errorf("list tracking issues of %s/%s: %w", owner, repo, err)
		}
		for _, i := range is {
			if !i.IsPullRequest() {
				out = append(out, i.GetNumber())
			}
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opt.Page = resp.NextPage
	}
}
