package tracker_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/tracker"
	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

// saveFailsAfterCreate is the fake GitHub with Redis failing right after
// GitHub created the tracking issue: the issue exists, its number is in
// no record.
// Only the first create breaks Redis.
type saveFailsAfterCreate struct {
	*trackertest.GitHub
	st    *trackertest.Store
	broke bool
}

func (g *saveFailsAfterCreate) Installation(int64) (tracker.GitHub, error) { return g, nil }

func (g *saveFailsAfterCreate) CreateIssue(ctx context.Context, owner, repo, title, body string) (int, error) {
	n, err := g.GitHub.CreateIssue(ctx, owner, repo, title, body)
	if !g.broke {
		g.broke = true
		g.st.Do(func(s *trackertest.Store) { s.SaveErr = errors.New("redis: connection refused") })
	}
	return n, err
}

// TestCreateThenSaveFails: the issue is created and the save of its
// number fails. The delivery's retry, on a working Redis, finds the
// issue (its record says a create began) and makes no second one.
func TestCreateThenSaveFails(t *testing.T) {
	r := newRig(t)
	gh := &saveFailsAfterCreate{GitHub: r.gh, st: r.st}
	r.tr = tracker.New(tracker.Options{States: r.st, Locks: r.st, Index: r.st, Marks: r.st, Cache: r.st, Queue: r.st, GitHub: gh,
		HTTPStatus: trackertest.Status, OrderWindow: -1, Clock: func() time.Time { return t0.Add(time.Hour) }})
	opened := payload(t, "pull_request/opened.json", map[string]any{
		"number": prNum, "pull_request.number": prNum, "pull_request.head.ref": "release/1.0", "pull_request.head.sha": headA,
		"pull_request.base.ref": "main", "pull_request.title": "Release 1.0", "pull_request.created_at": t0.Format(time.RFC3339),
	})
	d := queue.Delivery{ID: "d-1", Event: "pull_request", Payload: opened, Attempt: 1, Received: t0}
	if _, err := r.tr.Handle(context.Background(), d); err == nil {
		t.Fatal("the failed save gave no error: the delivery would not be retried")
	}
	r.st.Do(func(s *trackertest.Store) { s.SaveErr = nil })
	d.Attempt = 2
	if _, err := r.tr.Handle(context.Background(), d); err != nil {
		t.Fatalf("retry: %v", err)
	}
	// The retry found the delivery applied and marked the sync owed; the
	// flusher's sync is the one that must not create again.
	if err := r.tr.Sync(context.Background(), key); err != nil {
		t.Fatalf("sync: %v", err)
	}
	var creates []string
	for _, w := range r.writes(0) {
		if strings.HasPrefix(w, "CreateIssue") {
			creates = append(creates, w)
		}
	}
	if len(creates) != 1 {
		t.Fatalf("issue creates %v, want one", creates)
	}
	if s := r.state(); s.Issue != 101 || s.IssueCreating {
		t.Errorf("record keeps issue %d, creating %v: want #101, done", s.Issue, s.IssueCreating)
	}
	if !slices.ContainsFunc(r.writes(0), func(w string) bool { return strings.HasPrefix(w, fmt.Sprintf("CreateComment %d on %d", 103, prNum)) }) {
		t.Errorf("no PR comment after the retry: %v", r.writes(0))
	}
}
