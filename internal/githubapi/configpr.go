package githubapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/go-github/v60/github"
)

// NewTokenReader is an Installation that reads with a person's token
// (GITHUB_TOKEN) instead of the App's: golive simulate reads the
// receipts of a repository's releases with it, as protect writes with one.
func NewTokenReader(baseURL, token string) (*Installation, error) {
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &RateLimited{Base: http.DefaultTransport}}
	c := github.NewClient(hc)
	if token != "" {
		c = c.WithAuthToken(token)
	}
	c, err := c.WithEnterpriseURLs(baseURL, baseURL)
	if err != nil {
		return nil, fmt.Errorf("GitHub base URL %q: %w", baseURL, err)
	}
	c.BaseURL, _ = c.BaseURL.Parse(baseURL)
	return &Installation{c: c}, nil
}

// DefaultBranch is the repository's default branch (GET /repos/{o}/{r}).
func (in *Installation) DefaultBranch(ctx context.Context, owner, repo string) (string, error) {
	r, _, err := in.c.Repositories.Get(ctx, owner, repo)
	if err != nil {
		return "", fmt.Errorf("get repo %s/%s: %w", owner, repo, err)
	}
	return r.GetDefaultBranch(), nil
}

// FileAt reads a file at a commit or branch (GET .../contents/{path}?ref=).
// A missing file is nil, not an error. A file over max bytes is not
// decoded: it comes back nil with its size, so a hostile PR's huge file
// costs one metadata read.
func (in *Installation) FileAt(ctx context.Context, owner, repo, path, ref string, max int64) (data []byte, size int64, err error) {
	fc, _, resp, err := in.c.Repositories.GetContents(ctx, owner, repo, path, &github.RepositoryContentGetOptions{Ref: ref})
	if err := notFound(resp, err); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, 0, nil
		}
		return nil, 0, fmt.Errorf("read %s/%s:%s at %s: %w", owner, repo, path, ref, err)
	}
	if fc == nil {
		return nil, 0, nil
	}
	if size := int64(fc.GetSize()); size > max {
		return nil, size, nil
	}
	s, err := fc.GetContent()
	if err != nil {
		return nil, 0, fmt.Errorf("decode %s/%s:%s at %s: %w", owner, repo, path, ref, err)
	}
	if int64(len(s)) > max {
		return nil, int64(len(s)), nil
	}
	return []byte(s), int64(len(s)), nil
}

// ReleaseIssuesNewest calls fn with the repository's tracking issues
// (label golive:release, open and closed), newest first, and the bodies
// of each one's comments, until fn says it has enough, none is left, or
// simulateIssues issues are read: a config PR's check, repeated on each
// push, costs a bounded number of requests whatever the history holds.
// With the App known, only issues golive opened and comments golive
// wrote are read: receipts pasted by someone else (genuine old ones
// included) cannot choose the releases a simulation replays. Without it
// (golive simulate with a token) every comment is read; Verify still
// refuses what golive did not sign.
func (in *Installation) ReleaseIssuesNewest(ctx context.Context, owner, repo string, fn func(issue int, bodies []string) (more bool)) error {
	opt := &github.IssueListByRepoOptions{State: "all", Labels: []string{"golive:release"}, Sort: "created", Direction: "desc", ListOptions: github.ListOptions{PerPage: 100}}
	read := 0
	for {
		is, resp, err := in.c.Issues.ListByRepo(ctx, owner, repo, opt)
		if err != nil {
			return fmt.Errorf("list tracking issues of %s/%s: %w", owner, repo, err)
		}
		for _, i := range is {
			if i.IsPullRequest() {
				continue
			}
			if in.app != nil {
				ours, err := in.byGolive(ctx, i)
				if err != nil {
					return err
				}
				if !ours {
					continue
				}
			}
			if read++; read > simulateIssues {
				return nil
			}
			bodies, err := in.receiptBodies(ctx, owner, repo, i.GetNumber())
			if err != nil {
				return err
			}
			if !fn(i.GetNumber(), bodies) {
				return nil
			}
		}
		if resp.NextPage == 0 {
			return nil
		}
		opt.Page = resp.NextPage
	}
}

// Bounds of a simulation's reads: the tracking issues walked, and the
// comment pages read on each (receipts are few comments per release).
const (
	simulateIssues       = 50
	simulateCommentPages = 3
)

// receiptBodies is the comment bodies of tracking issue n that may hold
// receipts: golive's own when the App is known, at most
// simulateCommentPages pages.
func (in *Installation) receiptBodies(ctx context.Context, owner, repo string, n int) ([]string, error) {
	opt := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	var out []string
	for page := 0; page < simulateCommentPages; page++ {
		cs, resp, err := in.c.Issues.ListComments(ctx, owner, repo, n, opt)
		if err != nil {
			return nil, fmt.Errorf("list comments of %s/%s#%d: %w", owner, repo, n, err)
		}
		for _, c := range cs {
			if in.app != nil {
				ours, err := in.isGolive(ctx, c.GetUser())
				if err != nil {
					return nil, err
				}
				if !ours {
					continue
				}
			}
			out = append(out, c.GetBody())
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	return out, nil
}
