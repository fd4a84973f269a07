package githubapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/githubapi"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

const listIssues = "GET /repos/{owner}/{repo}/issues"

// TestFindIssue: the tracking issue is found through golive's PR comment,
// never by listing the repository's issues, and adopted only on the
// checks FindIssue always made.
func TestFindIssue(t *testing.T) {
	k := release.Key{Owner: "o", Repo: "r", PR: 5}
	marker := render.Marker(k)
	other := release.Key{Owner: "o", Repo: "r", PR: 6}
	type setup func(f *githubfake.Fake, rp *githubfake.Repo, in *githubapi.Installation) int
	cases := []struct {
		name     string
		setup    setup
		wantList int // issue-list requests
		want     bool
	}{
		{"no golive comment: a new release, one bounded list", func(f *githubfake.Fake, rp *githubfake.Repo, in *githubapi.Installation) int {
			return 0
		}, 1, false},
		{"no golive comment after a crash: the bounded list finds golive's issue", func(f *githubfake.Fake, rp *githubfake.Repo, in *githubapi.Installation) int {
			return issue(t, in, marker)
		}, 1, true},
		{"golive's comment points at its issue", func(f *githubfake.Fake, rp *githubfake.Repo, in *githubapi.Installation) int {
			n := issue(t, in, marker)
			comment(t, in, k, render.PRComment(k, n))
			return n
		}, 0, true},
		{"a person's comment with a pointer is not believed", func(f *githubfake.Fake, rp *githubfake.Repo, in *githubapi.Installation) int {
			n := issue(t, in, marker)
			rp.Issues[len(rp.Issues)-1].Author = "mallory"
			rp.Comments = append(rp.Comments, &githubfake.Comment{ID: 9001, Issue: k.PR, Body: render.PRComment(k, n), Author: "mallory"})
			return n
		}, 1, false},
		{"a pointer to an issue a person opened with the marker", func(f *githubfake.Fake, rp *githubfake.Repo, in *githubapi.Installation) int {
			rp.Issues = append(rp.Issues, &githubfake.Issue{Number: 77, Body: marker, State: "open", Labels: []string{release.IssueLabel}, Author: "mallory"})
			comment(t, in, k, render.PRComment(k, 77))
			return 77
		}, 1, false},
		{"a pointer to another release's issue", func(f *githubfake.Fake, rp *githubfake.Repo, in *githubapi.Installation) int {
			n := issue(t, in, render.Marker(other))
			comment(t, in, k, render.PRComment(k, n))
			return n
		}, 1, false},
		{"a pointer to an unlabelled issue", func(f *githubfake.Fake, rp *githubfake.Repo, in *githubapi.Installation) int {
			n := issue(t, in, marker)
			rp.Issues[len(rp.Issues)-1].Labels = nil
			comment(t, in, k, render.PRComment(k, n))
			return n
		}, 1, false},
		{"a pointer to a deleted issue", func(f *githubfake.Fake, rp *githubfake.Repo, in *githubapi.Installation) int {
			n := issue(t, in, marker)
			comment(t, in, k, render.PRComment(k, n))
			rp.DeleteIssue(n, 410)
			return n
		}, 1, false},
		{"the bounded list reads open issues only", func(f *githubfake.Fake, rp *githubfake.Repo, in *githubapi.Installation) int {
			n := issue(t, in, marker)
			rp.Issues[len(rp.Issues)-1].State = "closed"
			return n
		}, 1, false},
		{"a comment from before the pointer: the bounded list finds it", func(f *githubfake.Fake, rp *githubfake.Repo, in *githubapi.Installation) int {
			n := issue(t, in, marker)
			comment(t, in, k, render.CommentMarker(k)+"\nlegacy text naming #1000")
			return n
		}, 1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			rp := f.AddRepo("o", "r")
			f.AddPull("o/r", &githubfake.Pull{Number: k.PR, Title: "Release", HeadRef: "release/1", BaseRef: "main", HeadSHA: "abc", State: "open"})
			app, err := githubapi.New(githubapi.Config{BaseURL: f.URL()})
			if err != nil {
				t.Fatal(err)
			}
			in, _ := app.For(1)
			n := tc.setup(f, rp, in)
			f.ResetCounts()
			got, err := in.FindIssue(context.Background(), "o", "r", marker)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			if tc.want {
				want = n
			}
			if got.Issue != want {
				t.Errorf("FindIssue = %d, want %d", got.Issue, want)
			}
			if l := f.Count(listIssues); l != tc.wantList {
				t.Errorf("%d issue-list requests, want %d", l, tc.wantList)
			}
			if c := f.Count("GET /repos/{owner}/{repo}/issues/{issue_number}/comments"); c != 1 {
				t.Errorf("%d PR comment pages read, want 1", c)
			}
			sameComment(t, in, k, got)

			// FindIssuePointed answers the same where golive commented on
			// the PR; where it did not, it answers 0 without any list.
			golive := false
			f.Do(func(map[string]*githubfake.Repo) {
				for _, c := range rp.Comments {
					golive = golive || (c.Issue == k.PR && c.Author == githubfake.BotLogin && strings.Contains(c.Body, render.CommentMarker(k)))
				}
			})
			f.ResetCounts()
			got, err = in.FindIssuePointed(context.Background(), "o", "r", marker)
			if err != nil {
				t.Fatal(err)
			}
			wantList := tc.wantList
			if !golive {
				want, wantList = 0, 0
			}
			if got.Issue != want {
				t.Errorf("FindIssuePointed = %d, want %d", got.Issue, want)
			}
			if l := f.Count(listIssues); l != wantList {
				t.Errorf("FindIssuePointed: %d issue-list requests, want %d", l, wantList)
			}
			sameComment(t, in, k, got)
		})
	}
}

// sameComment fails the test unless what a look for the issue settled
// of golive's PR comment is what FindComment finds: the sync takes it for
// FindComment's answer.
func sameComment(t *testing.T, in *githubapi.Installation, k release.Key, got release.IssueFound) {
	t.Helper()
	if !got.CommentKnown {
		t.Fatalf("golive's PR comment not settled by a look that read every comment of the PR")
	}
	want, err := in.FindComment(context.Background(), k.Owner, k.Repo, k.PR, render.CommentMarker(k))
	if err != nil {
		t.Fatal(err)
	}
	if got.Comment != want {
		t.Errorf("the look settled golive's comment as %d; FindComment finds %d", got.Comment, want)
	}
}

func TestFindIssueRefusesAForeignMarker(t *testing.T) {
	f := newFake(t)
	f.AddRepo("o", "r")
	app, _ := githubapi.New(githubapi.Config{BaseURL: f.URL()})
	in, _ := app.For(1)
	for _, m := range []string{"", "m", render.Marker(release.Key{Owner: "x", Repo: "r", PR: 1})} {
		if _, err := in.FindIssue(context.Background(), "o", "r", m); err == nil {
			t.Errorf("FindIssue(%q) gave no error", m)
		}
	}
	if n := len(f.Log()); n != 0 {
		t.Errorf("a foreign marker cost %d requests, want 0", n)
	}
}

func issue(t *testing.T, in *githubapi.Installation, body string) int {
	t.Helper()
	n, err := in.CreateIssue(context.Background(), "o", "r", "Release readiness", body+"\nbody")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func comment(t *testing.T, in *githubapi.Installation, k release.Key, body string) {
	t.Helper()
	if _, err := in.CreateComment(context.Background(), k.Owner, k.Repo, k.PR, body); err != nil {
		t.Fatal(err)
	}
}

// TestFindIssuePointedReadsEveryCommentPage: golive's comment is found
// behind a hundred others (a busy PR labelled a release late), and a PR
// with more comments than golive reads is never taken for a new release:
// the bounded list looks for its issue. Otherwise a release whose record
// Redis lost would open a second issue and lose its signed ledger.
func TestFindIssuePointedReadsEveryCommentPage(t *testing.T) {
	k := release.Key{Owner: "o", Repo: "r", PR: 5}
	marker := render.Marker(k)
	const listIssues = "GET /repos/{owner}/{repo}/issues"
	chatter := func(rp *githubfake.Repo, n int) {
		for i := range n {
			rp.Comments = append(rp.Comments, &githubfake.Comment{ID: int64(50000 + i), Issue: k.PR, Body: "lgtm", Author: "someone"})
		}
	}
	t.Run("behind 150 comments", func(t *testing.T) {
		f := newFake(t)
		rp := f.AddRepo("o", "r")
		app, _ := githubapi.New(githubapi.Config{BaseURL: f.URL()})
		in, _ := app.For(1)
		n := issue(t, in, marker)
		f.Do(func(map[string]*githubfake.Repo) { chatter(rp, 150) })
		comment(t, in, k, render.PRComment(k, n))
		f.ResetCounts()
		got, err := in.FindIssuePointed(context.Background(), "o", "r", marker)
		if err != nil || got.Issue != n {
			t.Fatalf("FindIssuePointed = %d, %v; want issue %d", got.Issue, err, n)
		}
		sameComment(t, in, k, got)
		if l := f.Count(listIssues); l != 0 {
			t.Errorf("%d issue lists, want none: the pointer was found", l)
		}
	})
	t.Run("more comments than golive reads", func(t *testing.T) {
		f := newFake(t)
		rp := f.AddRepo("o", "r")
		app, _ := githubapi.New(githubapi.Config{BaseURL: f.URL()})
		in, _ := app.For(1)
		n := issue(t, in, marker) // its pointer comment lost in a crash
		f.Do(func(map[string]*githubfake.Repo) { chatter(rp, 1001) })
		f.ResetCounts()
		got, err := in.FindIssuePointed(context.Background(), "o", "r", marker)
		if err != nil || got.Issue != n {
			t.Fatalf("FindIssuePointed = %d, %v; want issue %d from the bounded list", got.Issue, err, n)
		}
		if got.CommentKnown {
			t.Errorf("golive's comment taken as settled (%d) after reading %d of 1001 comments", got.Comment, 1000)
		}
		if l := f.Count(listIssues); l != 1 {
			t.Errorf("%d issue lists, want 1", l)
		}
	})
}

// TestFindCommentOnlyGolives: a person's comment that quotes golive's
// comment marker, posted before golive's own, is not taken for it: golive
// would edit a comment it may not, and every sync of the release fail.
func TestFindCommentOnlyGolives(t *testing.T) {
	f := newFake(t)
	rp := f.AddRepo("o", "r")
	k := release.Key{Owner: "o", Repo: "r", PR: 5}
	in := installation(t, f)
	f.Do(func(map[string]*githubfake.Repo) {
		rp.Comments = append(rp.Comments, &githubfake.Comment{ID: 9001, Issue: k.PR, Body: "see " + render.CommentMarker(k), Author: "mallory"})
	})
	ctx := context.Background()
	if got, err := in.FindComment(ctx, "o", "r", k.PR, render.CommentMarker(k)); err != nil || got != 0 {
		t.Fatalf("FindComment = %d, %v; want 0: only mallory's comment holds the marker", got, err)
	}
	// The look for the issue, whose answer the sync takes instead, says
	// the same (security.md row 64).
	if got, err := in.FindIssuePointed(ctx, "o", "r", render.Marker(k)); err != nil || got.Comment != 0 || !got.CommentKnown {
		t.Fatalf("FindIssuePointed = %+v, %v; want golive's comment settled as none", got, err)
	}
	id, err := in.CreateComment(ctx, "o", "r", k.PR, render.PRComment(k, 0))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := in.FindComment(ctx, "o", "r", k.PR, render.CommentMarker(k)); err != nil || got != id {
		t.Fatalf("FindComment = %d, %v; want golive's %d", got, err, id)
	}
	if got, err := in.FindIssuePointed(ctx, "o", "r", render.Marker(k)); err != nil || got.Comment != id {
		t.Fatalf("FindIssuePointed = %+v, %v; want golive's comment %d", got, err, id)
	}
}

// TestFindIssueSettlesTheFirstGoliveComment: golive's comment from before
// the pointer, then one pointing at the issue. The look adopts the issue
// through the second and settles golive's comment as the first, the one
// FindComment finds, whose answer the sync takes instead.
func TestFindIssueSettlesTheFirstGoliveComment(t *testing.T) {
	f := newFake(t)
	f.AddRepo("o", "r")
	in := installation(t, f)
	k := release.Key{Owner: "o", Repo: "r", PR: 5}
	marker := render.Marker(k)
	ctx := context.Background()
	old, err := in.CreateComment(ctx, "o", "r", k.PR, "an older golive comment "+render.CommentMarker(k))
	if err != nil {
		t.Fatal(err)
	}
	n := issue(t, in, marker)
	comment(t, in, k, render.PRComment(k, n))
	for name, look := range map[string]func(context.Context, string, string, string) (release.IssueFound, error){
		"FindIssue": in.FindIssue, "FindIssuePointed": in.FindIssuePointed} {
		got, err := look(ctx, "o", "r", marker)
		if err != nil || got.Issue != n {
			t.Fatalf("%s = %+v, %v; want issue %d", name, got, err, n)
		}
		if got.Comment != old || !got.CommentKnown {
			t.Errorf("%s settled golive's comment as %+v, want the first, %d", name, got, old)
		}
		sameComment(t, in, k, got)
	}
}
