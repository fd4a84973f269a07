package githubapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// fallbackPages bounds the issue list FindIssue reads for a release whose
// PR comment predates the pointer to its issue.
const fallbackPages = 3

// FindIssue returns the number of the tracking issue whose body holds the
// marker (render.Marker of a release), or 0 when there is none.
//
// It reads one page of the release PR's comments: golive's own comment
// there points at the issue (render.IssueMarker). Only a comment golive's
// App wrote is believed, and the issue it names is adopted only as
// before: labelled, holding the marker, opened by golive's App. Without
// such a pointer (a new release, a crash between the issue's create and
// the comment, a comment written before the pointer existed, a pointer
// that does not check out) it falls back to a bounded list: open tracking
// issues, newest first, updated since the PR was opened, at most
// fallbackPages pages; closed issues of earlier releases are never read.
//
// The PR comments it reads also settle golive's own comment there
// (IssueFound.CommentKnown), so the sync that creates or edits the
// comment next does not read them again.
func (in *Installation) FindIssue(ctx context.Context, owner, repo, marker string) (release.IssueFound, error) {
	return in.findIssue(ctx, owner, repo, marker, true)
}

// FindIssuePointed is FindIssue for a release golive has no sign of
// having opened an issue for: no record saying it began a create
// (release.State.IssueCreating). Without a golive comment on the PR it
// answers 0 at the cost of that one page, listing no issue: a new
// release's opening costs the same whatever the repository holds. A
// golive comment without a valid pointer (a release opened before the
// pointer) still takes the bounded list.
func (in *Installation) FindIssuePointed(ctx context.Context, owner, repo, marker string) (release.IssueFound, error) {
	return in.findIssue(ctx, owner, repo, marker, false)
}

func (in *Installation) findIssue(ctx context.Context, owner, repo, marker string, always bool) (release.IssueFound, error) {
	var f release.IssueFound
	k, ok := render.ParseMarker(marker)
	if !ok || !strings.EqualFold(k.Owner, owner) || !strings.EqualFold(k.Repo, repo) {
		return f, fmt.Errorf("find tracking issue in %s/%s: %q is not a release marker of the repository", owner, repo, marker)
	}
	opt := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	read := false // every comment of the PR read
	for page := 0; page < commentPages; page++ {
		cs, resp, err := in.c.Issues.ListComments(ctx, owner, repo, k.PR, opt)
		if err != nil {
			return f, fmt.Errorf("list comments of %s/%s#%d: %w", owner, repo, k.PR, err)
		}
		found, err := in.pointed(ctx, owner, repo, marker, k, cs, &f)
		if err != nil || found {
			return f, err
		}
		if resp.NextPage == 0 {
			read = true
			break
		}
		opt.Page = resp.NextPage
	}
	commented := f.Comment != 0
	f.CommentKnown = commented || read
	if !commented && !always && read {
		return f, nil // no golive comment, no create begun: a new release
	}
	// A golive comment without a valid pointer, a create begun and not
	// saved (TestE2ECrashAfterCreate), or a PR with more comments than
	// golive reads: never taken for a new release. The bounded list reads
	// open issues updated since the PR was opened only, so it costs the
	// same whatever the repository's history.
	n, err := in.findIssueListed(ctx, owner, repo, k.PR, marker)
	f.Issue = n
	return f, err
}

// commentPages bounds the PR comments findIssue reads for golive's own
// (100 a page). A PR with more is looked up by the bounded issue list
// too: one with many comments before golive's must not pass for new.
const commentPages = 10

// pointed looks through one page of PR comments for golive's, whose
// pointer names the tracking issue. The first golive comment seen goes in
// f.Comment (FindComment's answer: the first holding the marker); an
// adopted pointer in f.Issue, with f.CommentKnown, and found is true.
func (in *Installation) pointed(ctx context.Context, owner, repo, marker string, k release.Key, cs []*github.IssueComment, f *release.IssueFound) (bool, error) {
	for _, c := range cs {
		if !strings.Contains(c.GetBody(), render.CommentMarker(k)) {
			continue
		}
		ours, err := in.isGolive(ctx, c.GetUser())
		if err != nil {
			return false, err
		}
		if !ours {
			continue // a person quoting golive's comment points nowhere
		}
		if f.Comment == 0 {
			f.Comment = c.GetID()
		}
		n, ok := render.ParseIssueMarker(c.GetBody())
		if !ok {
			continue
		}
		adopt, err := in.trackingIssue(ctx, owner, repo, n, marker)
		if err != nil {
			return false, err
		}
		if adopt {
			f.Issue, f.CommentKnown = n, true
			return true, nil
		}
	}
	return false, nil
}

// trackingIssue reports whether issue n is the release's tracking issue:
// an issue (not a PR), labelled, holding the marker, opened by golive's
// App. One deleted or never made is not.
func (in *Installation) trackingIssue(ctx context.Context, owner, repo string, n int, marker string) (bool, error) {
	is, resp, err := in.c.Issues.Get(ctx, owner, repo, n)
	if err != nil {
		if resp != nil && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone) {
			return false, nil
		}
		return false, fmt.Errorf("get issue %s/%s#%d: %w", owner, repo, n, err)
	}
	if is.IsPullRequest() || !labelled(is, release.IssueLabel) || !strings.Contains(is.GetBody(), marker) {
		return false, nil
	}
	return in.byGolive(ctx, is)
}

// findIssueListed is the bounded fallback for releases opened before
// golive's comment pointed at the issue.
func (in *Installation) findIssueListed(ctx context.Context, owner, repo string, pr int, marker string) (int, error) {
	opt := &github.IssueListByRepoOptions{Labels: []string{release.IssueLabel}, State: "open", Sort: "created", Direction: "desc",
		ListOptions: github.ListOptions{PerPage: 100}}
	p, err := in.PullRequest(ctx, owner, repo, pr)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return 0, err
	}
	if !p.CreatedAt.IsZero() {
		// The issue was opened after its PR, and golive edits it since.
		opt.Since = p.CreatedAt.Add(-time.Minute)
	}
	for range fallbackPages {
		issues, resp, err := in.c.Issues.ListByRepo(ctx, owner, repo, opt)
		if err != nil {
			return 0, fmt.Errorf("list tracking issues of %s/%s: %w", owner, repo, err)
		}
		for _, is := range issues {
			if is.IsPullRequest() || !strings.Contains(is.GetBody(), marker) {
				continue
			}
			ours, err := in.byGolive(ctx, is)
			if err != nil {
				return 0, err
			}
			if ours {
				return is.GetNumber(), nil
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	return 0, nil
}

func labelled(is *github.Issue, name string) bool {
	for _, l := range is.Labels {
		if strings.EqualFold(l.GetName(), name) {
			return true
		}
	}
	return false
}
