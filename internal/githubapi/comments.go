package githubapi

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"
)

// FindComment returns the id of the comment on issue n holding marker, or 0.
func (in *Installation) FindComment(ctx context.Context, owner, repo string, n int, marker string) (int64, error) {
	opt := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		cs, resp, err := in.c.Issues.ListComments(ctx, owner, repo, n, opt)
		if err != nil {
			return 0, fmt.Errorf("list comments of %s/%s#%d: %w", owner, repo, n, err)
		}
		for _, c := range cs {
			if !strings.Contains(c.GetBody(), marker) {
				continue
			}
			// Only golive's own: a person quoting the marker first would
			// have golive edit a comment it may not, its syncs failing
			// for good.
			ours, err := in.isGolive(ctx, c.GetUser())
			if err != nil {
				return 0, err
			}
			if ours {
				return c.GetID(), nil
			}
		}
		if resp.NextPage == 0 {
			return 0, nil
		}
		opt.Page = resp.NextPage
	}
}

// CreateComment comments on an issue or PR.
func (in *Installation) CreateComment(ctx context.Context, owner, repo string, n int, body string) (int64, error) {
	c, _, err := in.c.Issues.CreateComment(ctx, owner, repo, n, &github.IssueComment{Body: &body})
	if err != nil {
		return 0, fmt.Errorf("comment on %s/%s#%d: %w", owner, repo, n, err)
	}
	return c.GetID(), nil
}

// EditComment replaces a comment's body.
func (in *Installation) EditComment(ctx context.Context, owner, repo string, id int64, body string) error {
	if _, _, err := in.c.Issues.EditComment(ctx, owner, repo, id, &github.IssueComment{Body: &body}); err != nil {
		return fmt.Errorf("edit comment %d in %s/%s: %w", id, owner, repo, err)
	}
	return nil
}

// AddReaction reacts to an issue or PR comment: golive's receipt for a
// command. GitHub keeps one reaction of a kind per user, so giving it again
// changes nothing.
func (in *Installation) AddReaction(ctx context.Context, owner, repo string, commentID int64, content string) error {
	if _, _, err := in.c.Reactions.CreateIssueCommentReaction(ctx, owner, repo, commentID, content); err != nil {
		return fmt.Errorf("react %s to comment %d in %s/%s: %w", content, commentID, owner, repo, err)
	}
	return nil
}
