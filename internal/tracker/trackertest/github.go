package trackertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
	"github.com/ag06mixer/golive/internal/tracker"
)

var _ tracker.GitHub = (*GitHub)(nil)

// StatusError is an error GitHub answered with an HTTP status; Status
// reads it back, for tracker.Options.HTTPStatus.
type StatusError struct{ Code int }

func (e StatusError) Error() string { return fmt.Sprintf("GitHub answered %d", e.Code) }

// Status is the HTTP status of err, or 0.
func Status(err error) int {
	var se StatusError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

// Issue is an issue or a pull request's conversation.
type Issue struct {
	Title, Body, State, Reason string
	Edits                      []release.BodyEdit
}

// Comment is a comment on an issue or PR.
type Comment struct {
	Issue int
	Body  string
}

// Reaction is a reaction put on a comment.
type Reaction struct {
	CommentID int64
	Content   string
}

// Review is an answer to a deployment protection rule.
type Review struct {
	RunID   int64
	Env     string
	Approve bool
	Comment string
}

// Check is a check run golive wrote, by head commit.
type Check struct {
	release.CheckRun
	Updates int
}

// GitHub is one repository's fake API: a test fills PRs and the config,
// drives the tracker, and reads what it wrote. Errors, keyed by method
// name, fail that method while set.
type GitHub struct {
	mu sync.Mutex

	Owner, Repo string
	ConfigRepo  []byte
	PRs         map[int]release.PRInfo
	Perms       map[string]string
	Trees       map[string]string
	CI          map[string][]release.CheckResult
	// Teams maps "org/slug" to its members; BigTeams lists the teams
	// whose member list is too long to be read whole.
	Teams    map[string][]string
	BigTeams map[string]bool
	// Calls counts every call by method name.
	Calls map[string]int
	// CommentsUnread has a look for the issue stop short of the PR's last
	// comment (more than golive reads), settling nothing of golive's.
	CommentsUnread bool

	Issues    map[int]*Issue
	Comments  map[int64]*Comment
	CheckRuns map[int64]*Check
	Reactions []Reaction
	Reviews   []Review
	// Writes logs every write, in order: "CreateIssue 1", "EditComment 2" …
	Writes []string
	Errors map[string]error

	next int64
}

// NewGitHub returns the fake API of owner/repo.
func NewGitHub(owner, repo string) *GitHub {
	return &GitHub{Owner: owner, Repo: repo, PRs: map[int]release.PRInfo{}, Perms: map[string]string{}, Trees: map[string]string{},
		CI: map[string][]release.CheckResult{}, Issues: map[int]*Issue{}, Comments: map[int64]*Comment{}, CheckRuns: map[int64]*Check{},
		Errors: map[string]error{}, next: 100}
}

// Do runs fn holding the fake's lock.
func (g *GitHub) Do(fn func(g *GitHub)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	fn(g)
}

// Installation is every installation's client: the fake itself.
func (g *GitHub) Installation(int64) (tracker.GitHub, error) { return g, nil }

// Installations lists the one installation, 1.
func (g *GitHub) Installations(context.Context) ([]int64, error) { return []int64{1}, nil }

// call takes the lock and returns the error set for method, if any.
func (g *GitHub) call(method string) error {
	g.mu.Lock()
	if g.Calls == nil {
		g.Calls = map[string]int{}
	}
	g.Calls[method]++
	return g.Errors[method]
}

func (g *GitHub) wrote(format string, a ...any) {
	g.Writes = append(g.Writes, fmt.Sprintf(format, a...))
}

func (g *GitHub) id() int64 { g.next++; return g.next }

func (g *GitHub) FindIssue(_ context.Context, _, _, marker string) (release.IssueFound, error) {
	err := g.call("FindIssue")
	defer g.mu.Unlock()
	if err != nil {
		return release.IssueFound{}, err
	}
	f := g.commentOf(marker)
	for n, is := range g.Issues {
		if strings.Contains(is.Body, marker) {
			f.Issue = n
			return f, nil
		}
	}
	return f, nil
}

// commentOf is golive's comment on the PR of marker, the one FindComment
// would find (the lowest id holding the comment marker). Called locked.
func (g *GitHub) commentOf(marker string) release.IssueFound {
	f := release.IssueFound{CommentKnown: true}
	k, ok := render.ParseMarker(marker)
	if !ok || g.CommentsUnread {
		return release.IssueFound{}
	}
	for id, c := range g.Comments {
		if c.Issue == k.PR && strings.Contains(c.Body, render.CommentMarker(k)) && (f.Comment == 0 || id < f.Comment) {
			f.Comment = id
		}
	}
	return f
}

// FindIssuePointed finds the issue only through a comment on the PR
// pointing at it (render.IssueMarker); with no golive comment on the PR
// it answers 0, and with one without a pointer it is FindIssue.
func (g *GitHub) FindIssuePointed(ctx context.Context, owner, repo, marker string) (release.IssueFound, error) {
	k, ok := render.ParseMarker(marker)
	if !ok {
		return release.IssueFound{}, fmt.Errorf("not a release marker: %q", marker)
	}
	err := g.call("FindIssuePointed")
	f := g.commentOf(marker)
	for _, c := range g.Comments {
		if c.Issue == k.PR && strings.Contains(c.Body, render.CommentMarker(k)) {
			if n, ok := render.ParseIssueMarker(c.Body); ok && g.Issues[n] != nil && strings.Contains(g.Issues[n].Body, marker) {
				f.Issue = n
			}
		}
	}
	g.mu.Unlock()
	if err != nil {
		return release.IssueFound{}, err
	}
	if f.Issue != 0 || f.Comment == 0 {
		return f, nil
	}
	return g.FindIssue(ctx, owner, repo, marker)
}

func (g *GitHub) CreateIssue(_ context.Context, _, _, title, body string) (int, error) {
	err := g.call("CreateIssue")
	defer g.mu.Unlock()
	if err != nil {
		return 0, err
	}
	n := int(g.id())
	g.Issues[n] = &Issue{Title: title, Body: body, State: "open"}
	g.wrote("CreateIssue %d", n)
	return n, nil
}

func (g *GitHub) GetIssue(_ context.Context, _, _ string, n int) (release.IssueInfo, error) {
	err := g.call("GetIssue")
	defer g.mu.Unlock()
	if err != nil {
		return release.IssueInfo{}, err
	}
	is, ok := g.Issues[n]
	if !ok {
		return release.IssueInfo{}, StatusError{404}
	}
	return release.IssueInfo{Number: n, Body: is.Body, State: is.State}, nil
}

func (g *GitHub) EditIssueBody(_ context.Context, _, _ string, n int, body string) error {
	err := g.call("EditIssueBody")
	defer g.mu.Unlock()
	if err != nil {
		return err
	}
	is, ok := g.Issues[n]
	if !ok {
		return StatusError{404}
	}
	is.Body = body
	g.wrote("EditIssueBody %d", n)
	return nil
}

func (g *GitHub) IssueEdits(_ context.Context, _, _ string, n int) ([]release.BodyEdit, error) {
	err := g.call("IssueEdits")
	defer g.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if is, ok := g.Issues[n]; ok {
		return slices.Clone(is.Edits), nil
	}
	return nil, StatusError{404}
}

func (g *GitHub) CloseIssue(_ context.Context, _, _ string, n int, reason string) error {
	err := g.call("CloseIssue")
	defer g.mu.Unlock()
	if err != nil {
		return err
	}
	is, ok := g.Issues[n]
	if !ok {
		return StatusError{404}
	}
	is.State, is.Reason = "closed", reason
	g.wrote("CloseIssue %d", n)
	return nil
}

func (g *GitHub) FindComment(_ context.Context, _, _ string, n int, marker string) (int64, error) {
	err := g.call("FindComment")
	defer g.mu.Unlock()
	if err != nil {
		return 0, err
	}
	for id, c := range g.Comments {
		if c.Issue == n && strings.Contains(c.Body, marker) {
			return id, nil
		}
	}
	return 0, nil
}

func (g *GitHub) CreateComment(_ context.Context, _, _ string, n int, body string) (int64, error) {
	err := g.call("CreateComment")
	defer g.mu.Unlock()
	if err != nil {
		return 0, err
	}
	id := g.id()
	g.Comments[id] = &Comment{Issue: n, Body: body}
	g.wrote("CreateComment %d on %d", id, n)
	return id, nil
}

func (g *GitHub) EditComment(_ context.Context, _, _ string, id int64, body string) error {
	err := g.call("EditComment")
	defer g.mu.Unlock()
	if err != nil {
		return err
	}
	c, ok := g.Comments[id]
	if !ok {
		return StatusError{404}
	}
	c.Body = body
	g.wrote("EditComment %d", id)
	return nil
}

func (g *GitHub) AddReaction(_ context.Context, _, _ string, id int64, content string) error {
	err := g.call("AddReaction")
	defer g.mu.Unlock()
	if err != nil {
		return err
	}
	g.Reactions = append(g.Reactions, Reaction{CommentID: id, Content: content})
	g.wrote("AddReaction %s on %d", content, id)
	return nil
}
