package tracker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/tracker"
	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

const (
	owner, repo = "Codertocat", "Hello-World"
	prNum       = 2
	headA       = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	headB       = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

var (
	key = release.Key{Owner: owner, Repo: repo, PR: prNum}
	t0  = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
)

// rig is a tracker on in-memory fakes; Coalesce is zero, so every change
// is written at once, and the clock stands still at t0+1h.
type rig struct {
	t  *testing.T
	tr *tracker.Tracker
	st *trackertest.Store
	gh *trackertest.GitHub
	n  int
}

func newRig(t *testing.T) *rig {
	t.Helper()
	t.Parallel()
	st, gh := trackertest.NewStore(), trackertest.NewGitHub(owner, repo)
	gh.Perms["rita"], gh.Perms["Codertocat"] = "write", "admin"
	gh.PRs[prNum] = release.PRInfo{Title: "Release 1.0", Author: "Codertocat", HeadRef: "release/1.0", BaseRef: "main", HeadSHA: headA, State: "open"}
	tr := tracker.New(tracker.Options{States: st, Locks: st, Index: st, Marks: st, Cache: st, Queue: st, GitHub: gh,
		HTTPStatus: trackertest.Status, OrderWindow: -1, Clock: func() time.Time { return t0.Add(time.Hour) }})
	return &rig{t: t, tr: tr, st: st, gh: gh}
}

// payload is a real webhook payload from testdata with fields set by
// dotted path.
func payload(t *testing.T, name string, fields map[string]any) []byte {
	t.Helper()
	b, err := os.ReadFile("../../testdata/webhooks/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for path, v := range fields {
		parts := strings.Split(path, ".")
		at := m
		for _, p := range parts[:len(parts)-1] {
			next, ok := at[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				at[p] = next
			}
			at = next
		}
		at[parts[len(parts)-1]] = v
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// handle applies one delivery and fails the test on an error.
func (r *rig) handle(event string, body []byte) string {
	r.t.Helper()
	r.n++
	out, err := r.tr.Handle(context.Background(), queue.Delivery{ID: fmt.Sprintf("d-%d", r.n), Event: event, Payload: body, Attempt: 1, Received: t0})
	if err != nil {
		r.t.Fatalf("handle %s: %v", event, err)
	}
	return out
}

func (r *rig) open() {
	r.t.Helper()
	r.handle("pull_request", payload(r.t, "pull_request/opened.json", map[string]any{
		"number": prNum, "pull_request.number": prNum, "pull_request.head.ref": "release/1.0", "pull_request.head.sha": headA,
		"pull_request.base.ref": "main", "pull_request.title": "Release 1.0", "pull_request.created_at": t0.Format(time.RFC3339),
	}))
}

func (r *rig) comment(id int64, user, body string) []byte {
	return payload(r.t, "issue_comment/created.json", map[string]any{
		"comment.id": id, "comment.body": body, "comment.user.login": user, "comment.created_at": t0.Add(time.Minute).Format(time.RFC3339),
		"sender.login": user, "sender.type": "User", "issue.number": prNum, "issue.body": "",
		"issue.pull_request": map[string]any{"url": fmt.Sprintf("https://api.github.com/repos/%s/%s/pulls/%d", owner, repo, prNum)},
		"installation":       map[string]any{"id": 1},
	})
}

// writes is what the tracker wrote to GitHub since the mark.
func (r *rig) writes(since int) []string {
	var out []string
	r.gh.Do(func(g *trackertest.GitHub) { out = append(out, g.Writes[since:]...) })
	return out
}

func (r *rig) mark() int {
	n := 0
	r.gh.Do(func(g *trackertest.GitHub) { n = len(g.Writes) })
	return n
}

func (r *rig) state() *release.State {
	r.t.Helper()
	s, err := r.tr.Snapshot(context.Background(), key)
	if err != nil || s == nil {
		r.t.Fatalf("snapshot: %v %v", s, err)
	}
	return s
}

// outbox is the replies and reactions still owed in a saved record.
func (r *rig) outbox(rel string) []json.RawMessage {
	var rec struct {
		Outbox []json.RawMessage `json:"outbox"`
	}
	r.st.Do(func(s *trackertest.Store) { json.Unmarshal(s.States[rel], &rec) })
	return rec.Outbox
}

// testClock is a clock that stands still until its test moves it. The
// tracker's own goroutines (the cap pool, the flusher's syncs) read it
// while the test goes on, so it is read and moved under a lock (a plain
// time.Time moved by the test was a data race the race detector caught in
// CI, 2026-12-03).
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock(at time.Time) *testClock { return &testClock{now: at} }

// Now is the clock's time: the tracker's Options.Clock.
func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// advance moves the clock on by d.
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// set moves the clock to at.
func (c *testClock) set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = at
}
