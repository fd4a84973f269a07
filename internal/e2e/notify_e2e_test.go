package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/metrics"
	"github.com/ag06mixer/golive/internal/notify"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/worker"
)

// chatReceiver is a local incoming webhook: it answers 500 to the first
// post and 200 to the others, and keeps every post.
type chatReceiver struct {
	mu    sync.Mutex
	posts []chatPost
}

type chatPost struct {
	status int
	body   []byte
}

func (c *chatReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	st := http.StatusOK
	if len(c.posts) == 0 {
		st = http.StatusInternalServerError
	}
	c.posts = append(c.posts, chatPost{st, b})
	c.mu.Unlock()
	w.WriteHeader(st)
}

// taken lists the headers of the messages answered 200, in order.
func (c *chatReceiver) taken(t *testing.T) []string {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, p := range c.posts {
		if err := notify.CheckShape(p.body); err != nil {
			t.Fatalf("golive posted a message Slack would refuse: %v\n%s", err, p.body)
		}
		if p.status != http.StatusOK {
			continue
		}
		var m struct {
			Blocks []struct {
				Type string `json:"type"`
				Text struct {
					Text string `json:"text"`
				} `json:"text"`
			} `json:"blocks"`
		}
		if err := json.Unmarshal(p.body, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m.Blocks[0].Text.Text)
	}
	return out
}

func (c *chatReceiver) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.posts)
}

const notifySecret = "/services/T0/B0/n0tifyS3cret"

// TestE2ENotifierSendsEachEventOnce: a release followed by two replicas,
// with a notifier posting to a local receiver that fails the first post.
// The overdue Business Owner sign-off, the ready verdict and the merge
// are each posted once (the first after a retry), however many syncs,
// refreshes and replica restarts follow; every post has Slack's block
// shape and links the tracking issue; the notifier's logs name no part of
// the URL. The release-health metrics moved with the flow.
func TestE2ENotifierSendsEachEventOnce(t *testing.T) {
	t.Parallel()
	rcv := &chatReceiver{}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	var logs bytes.Buffer
	var logMu sync.Mutex
	n, err := notify.New(srv.URL+notifySecret, notify.Options{Backoff: time.Millisecond,
		Log: slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logs}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	o := worker.Options{Notifier: n}
	h := newHarness(t, harnessOpts{replicas: 2, opts: o})
	signers(h)
	h.fake.Do(func(repos map[string]*githubfake.Repo) { repos[testRepo].Files[".github/golive.yml"] = remindConfig })
	ctx := context.Background()
	k := release.Key{Owner: "Codertocat", Repo: "Hello-World", PR: prNum}
	refresh := func(id string) {
		t.Helper()
		for i, nd := range h.nodes {
			if nd.stop == nil {
				continue
			}
			if err := nd.sys.Worker().RequestRefresh(ctx, k, 0, id+"-"+string(rune('a'+i)), "test", false); err != nil {
				t.Fatal(err)
			}
		}
		h.settle()
	}

	h.send("pull_request", h.openPR(t, "opened", nil)) // opened 2026-11-20: the sign-off is overdue
	h.settle()
	refresh("r1")
	if got := rcv.taken(t); len(got) != 1 || !strings.HasPrefix(got[0], "⏳ Blocked on a sign-off: Release 1.0") {
		t.Fatalf("after the overdue sign-off the receiver took %q", got)
	}
	if rcv.count() != 2 {
		t.Fatalf("the receiver got %d posts, want 2 (a 500, then the retry)", rcv.count())
	}

	blocked := func(reason string) float64 {
		t.Helper()
		if err := h.nodes[0].sys.Worker().SweepRedis(ctx); err != nil {
			t.Fatal(err)
		}
		h.settle()
		return gaugeValue(h.nodes[0].sys.Metrics().Health.Blocked.WithLabelValues(reason))
	}
	if v := blocked("signoff"); v != 1 {
		t.Fatalf("releases blocked on a sign-off: %v, want 1", v)
	}
	h.send("issue_comment", h.comment(t, "bob", "/approve business", true))
	h.settle()
	refresh("r2")
	if v := blocked("signoff"); v != 0 {
		t.Fatalf("releases blocked on a sign-off once it is given: %v, want 0", v)
	}
	// A replica restarts: the record says what was sent.
	h.nodes[1].stop()
	h.nodes[1].stop = nil
	h.start(o)
	refresh("r3")
	h.send("pull_request", h.mergeNow(t))
	h.settle()
	refresh("r4")

	got := rcv.taken(t)
	want := []string{"⏳ Blocked on a sign-off: Release 1.0", "✅ Ready to merge: Release 1.0", "🚀 Merged: Release 1.0"}
	if len(got) != len(want) {
		t.Fatalf("the receiver took %q, want %q once each", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("post %d is %q, want %q (all: %q)", i, got[i], want[i], got)
		}
	}
	issueURL := fmt.Sprintf("/Codertocat/Hello-World/issues/%d", h.issue(t).Number)
	rcv.mu.Lock()
	last := string(rcv.posts[len(rcv.posts)-1].body)
	rcv.mu.Unlock()
	if !strings.Contains(last, issueURL) || !strings.Contains(last, `"type":"actions"`) {
		t.Errorf("the merged message does not link the tracking issue %s: %s", issueURL, last)
	}
	logMu.Lock()
	l := logs.String()
	logMu.Unlock()
	if !strings.Contains(l, "status=500") {
		t.Errorf("the retry after the 500 is not logged: %s", l)
	}
	for _, bad := range []string{notifySecret, "n0tifyS3cret", srv.URL} {
		if strings.Contains(l, bad) {
			t.Errorf("the logs carry the notify URL (%q): %s", bad, l)
		}
	}

	// The health metrics, summed over every replica that ran.
	var ready, signoff uint64
	var sent float64
	for _, nd := range h.nodes {
		m := nd.sys.Metrics()
		ready += histCount(t, m, "golive_release_time_to_ready_seconds", "")
		signoff += histCount(t, m, "golive_release_signoff_seconds", "business")
		sent += counterValue(m.Health.Notifications.WithLabelValues("merged", "sent"))
	}
	if ready != 1 || signoff != 1 || sent != 1 {
		t.Errorf("time to ready observed %d times, the business sign-off %d, merged sent %v; want 1 each", ready, signoff, sent)
	}

	// Redis is lost and the release rebuilt from its tracking issue: the
	// signed ledger says what was already sent, so nothing is sent again.
	flushRedis(t, h)
	reconcileAll(t, h)
	h.settle()
	refresh("r5")
	if all := rcv.taken(t); len(all) != len(want) {
		t.Errorf("after a Redis loss and rebuild the receiver has taken %q, want only the first %q", all, want)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// histCount is how many observations a histogram (of role, when given)
// holds in m.
func histCount(t *testing.T, m *metrics.Metrics, name, role string) uint64 {
	t.Helper()
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, mt := range f.GetMetric() {
			match := role == ""
			for _, l := range mt.GetLabel() {
				if l.GetName() == "role" && l.GetValue() == role {
					match = true
				}
			}
			if match {
				n += mt.GetHistogram().GetSampleCount()
			}
		}
	}
	return n
}
