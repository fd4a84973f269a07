package e2e

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/loadgen"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/worker"
)

// The e2e tests of issue #16, "decisions in the order people made them":
// five sign-offs posted a few milliseconds apart, many workers, and a
// Final Approval delivered before the sign-offs it waits for.

var fiveSigners = []string{"tina tech-lead", "sam security", "bob business", "olga ops", "rita final"}

// orderRelease opens release PR n (head sha) and returns its payload.
func orderRelease(t *testing.T, h *harness, n int, sha string) []byte {
	h.fake.AddPull(testRepo, &githubfake.Pull{Number: n, Title: fmt.Sprintf("Release %d", n), Author: "Codertocat", HeadRef: fmt.Sprintf("release/%d", n), BaseRef: "main", HeadSHA: sha})
	return payload(t, "pull_request/opened.json", func(m map[string]any) {
		set(m, "number", n)
		set(m, "pull_request.number", n)
		set(m, "pull_request.head.ref", fmt.Sprintf("release/%d", n))
		set(m, "pull_request.head.sha", sha)
		set(m, "pull_request.base.ref", "main")
		set(m, "pull_request.title", fmt.Sprintf("Release %d", n))
	})
}

// prComment is a real issue_comment.created payload of a comment made now
// on PR n; the comment id grows with every call, as GitHub's do.
func prComment(t *testing.T, h *harness, n int, user, body string) (payload_ []byte, id int64) {
	id = 800000 + h.nextID.Add(1)
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		repos[testRepo].Comments = append(repos[testRepo].Comments, &githubfake.Comment{ID: id, Issue: n, Body: body, Author: user})
	})
	return payload(t, "issue_comment/created.json", func(m map[string]any) {
		set(m, "comment.id", id)
		set(m, "comment.body", body)
		set(m, "comment.user.login", user)
		set(m, "comment.created_at", time.Now().UTC().Format(time.RFC3339))
		set(m, "comment.html_url", fmt.Sprintf("https://github.com/%s/pull/%d#issuecomment-%d", testRepo, n, id))
		set(m, "sender.login", user)
		set(m, "sender.type", "User")
		set(m, "issue.number", n)
		set(m, "issue.body", "")
		set(m, "issue.pull_request", map[string]any{"url": fmt.Sprintf("https://api.github.com/repos/%s/pulls/%d", testRepo, n)})
	}), id
}

func reactionsOn(h *harness, id int64) []string {
	var out []string
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, r := range repos[testRepo].Reactions {
			if r.CommentID == id {
				out = append(out, r.Content)
			}
		}
	})
	return out
}

// TestE2EFiveSignoffsInQuickSuccession: five sign-offs posted in order,
// 0–20 ms apart, to two replicas of 8 workers each, 50 times (a new
// release each round): Final Approval is never refused, and stands every
// time with one +1.
func TestE2EFiveSignoffsInQuickSuccession(t *testing.T) {
	t.Parallel()
	const rounds = 50
	h := newHarness(t, harnessOpts{replicas: 2, opts: worker.Options{Workers: 8, Coalesce: 50 * time.Millisecond}})
	signers(h)
	for r := range rounds {
		h.send("pull_request", orderRelease(t, h, 300+r, fmt.Sprintf("%08x%032x", r+1, 0xabc)))
	}
	h.settleWithin(60 * time.Second)
	finals := map[int]int64{}
	for r := range rounds {
		n := 300 + r
		for i, who := range fiveSigners {
			user, role, _ := strings.Cut(who, " ")
			body, id := prComment(t, h, n, user, "/approve "+role)
			if role == "final" {
				finals[n] = id
			}
			if i > 0 {
				time.Sleep(time.Duration((r*7+i*13)%21) * time.Millisecond) // 0–20 ms apart
			}
			if got := h.post(i, "issue_comment", body, ""); got != http.StatusAccepted {
				t.Fatalf("round %d: POST /webhook got %d", r, got)
			}
		}
	}
	h.settleWithin(90 * time.Second)
	refused, pended := 0, 0
	for r := range rounds {
		n := 300 + r
		for _, reply := range h.replies(n) {
			refused++
			t.Errorf("round %d: golive replied %q", r, reply)
		}
		if got := reactionsOn(h, finals[n]); !slices.Equal(got, []string{"+1"}) {
			t.Errorf("round %d: Final Approval's reactions %v, want [+1]", r, got)
		}
		st, err := snapshot(h, context.Background(), release.Key{Owner: "Codertocat", Repo: "Hello-World", PR: n})
		if err != nil || st == nil {
			t.Fatalf("round %d: state %v", r, err)
		}
		if so, ok := release.ActiveSignoff(st, "final"); !ok || so.By != "rita" || len(st.Pending) != 0 {
			t.Errorf("round %d: final sign-off %+v %v, pending %+v", r, so, ok, st.Pending)
		}
		for _, a := range st.Audit {
			if a.Action == "pending" {
				pended++
			}
		}
	}
	t.Logf("%d rounds of five sign-offs 0–20 ms apart over 2 replicas × 8 workers: %d refused; %d Final Approvals applied before a sign-off they wait for, kept pending",
		rounds, refused, pended)
}

// heldClock is the worker's clock, held an hour back until released:
// while held, no pending approval's settle window can pass, so the test
// decides when it does, whatever the machine's speed.
type heldClock struct {
	mu   sync.Mutex
	back time.Duration
}

func (c *heldClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(-c.back) }
func (c *heldClock) release()       { c.mu.Lock(); c.back = 0; c.mu.Unlock() }

func awaitOrder(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestE2EFinalApprovalDeliveredFirst: a Final Approval made last but
// delivered before the other four is pending (shown in the issue, no
// receipt, no reply) and takes effect when they land. One made before
// the others is refused once, only after its settle window, naming what
// it lacked.
func TestE2EFinalApprovalDeliveredFirst(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		madeFirst bool
	}{{"made last", false}, {"made first", true}} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &heldClock{back: time.Hour}
			h := newHarness(t, harnessOpts{opts: worker.Options{Workers: 8, Coalesce: -1, Clock: clock.now}})
			signers(h)
			h.send("pull_request", h.openPR(t, "opened", nil))
			h.settle()
			var bodies [][]byte
			var final []byte
			var finalID int64
			if tc.madeFirst {
				final, finalID = prComment(t, h, prNum, "rita", "/approve final")
			}
			for _, who := range fiveSigners[:4] {
				user, role, _ := strings.Cut(who, " ")
				b, _ := prComment(t, h, prNum, user, "/approve "+role)
				bodies = append(bodies, b)
			}
			if !tc.madeFirst {
				final, finalID = prComment(t, h, prNum, "rita", "/approve final")
			}
			h.send("issue_comment", final) // delivered first
			awaitOrder(t, "the pending approval in the issue", func() bool {
				return len(h.issues()) == 1 && strings.Contains(h.issues()[0].Body, "`/approve final` by rita is pending")
			})
			if got := reactionsOn(h, finalID); len(got) != 0 {
				t.Errorf("a pending approval got reactions %v", got)
			}
			for _, b := range bodies {
				h.send("issue_comment", b)
			}
			body := func() string { return h.issue(t).Body }
			awaitOrder(t, "the four sign-offs", func() bool { return strings.Count(body(), "signed off as") >= 4 })
			if tc.madeFirst {
				if strings.Contains(body(), "signed off as Final Approval") || len(h.replies(prNum)) != 0 {
					t.Fatalf("before its settle window: final signed or refused: %q", h.replies(prNum))
				}
			}
			clock.release()
			h.settle()
			replies, got := h.replies(prNum), reactionsOn(h, finalID)
			if !tc.madeFirst {
				if !strings.Contains(body(), "signed off as Final Approval") || len(replies) != 0 || !slices.Equal(got, []string{"+1"}) {
					t.Fatalf("final approval: reactions %v, replies %q", got, replies)
				}
				if strings.Contains(body(), "is pending") {
					t.Error("the issue still shows it pending")
				}
				return
			}
			if strings.Contains(body(), "signed off as Final Approval") || !slices.Equal(got, []string{"-1"}) || len(replies) != 1 ||
				!strings.Contains(replies[0], "still missing: Technical Lead, Security Review, Business Owner, Operations Manager") {
				t.Fatalf("early final approval: reactions %v, replies %q", got, replies)
			}
		})
	}
}

// TestE2EFloodOnOneReleaseInOrder: 1,000 CI results at 500/s on one
// release with the five sign-offs in the middle: nothing refused at
// ingest, nothing dead-lettered, Final Approval stands.
func TestE2EFloodOnOneReleaseInOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{opts: worker.Options{Workers: 8, Coalesce: 300 * time.Millisecond}})
	signers(h)
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	var checks [][]byte
	for i := range 1000 {
		name := stormChecks[i%len(stormChecks)]
		c := h.fake.AddCheckRun(testRepo, name, headA, "completed", "success")
		checks = append(checks, payload(t, "check_run/completed.json", func(m map[string]any) {
			set(m, "check_run.id", c.ID)
			set(m, "check_run.name", name)
			set(m, "check_run.head_sha", headA)
			set(m, "check_run.conclusion", "success")
			set(m, "check_run.html_url", c.HTMLURL)
			set(m, "check_run.completed_at", c.CompletedAt.Format(time.RFC3339))
			prs := m["check_run"].(map[string]any)["pull_requests"].([]any)
			set(prs[0].(map[string]any), "number", prNum)
		}))
	}
	var wg sync.WaitGroup
	var res loadgen.Result
	var lerr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		res, lerr = loadgen.Run(context.Background(), loadgen.Config{URL: h.nodes[0].url + "/webhook", Secret: []byte(testSecret), Rate: 500,
			Count: len(checks), Duration: time.Minute, Concurrency: 8,
			Next: func(i int) loadgen.Delivery {
				return loadgen.Delivery{Event: "check_run", ID: fmt.Sprintf("flood-%d", i), Body: checks[i]}
			}})
	}()
	time.Sleep(time.Second) // the sign-offs land mid-flood
	var finalID int64
	for i, who := range fiveSigners {
		user, role, _ := strings.Cut(who, " ")
		b, id := prComment(t, h, prNum, user, "/approve "+role)
		if role == "final" {
			finalID = id
		}
		if i > 0 {
			time.Sleep(time.Duration(i*4) * time.Millisecond)
		}
		h.send("issue_comment", b)
	}
	wg.Wait()
	if lerr != nil {
		t.Fatal(lerr)
	}
	h.settleWithin(90 * time.Second)
	if res.Failed != 0 || res.Sent != len(checks) {
		t.Errorf("flood: sent %d, refused %d: %v", res.Sent, res.Failed, res.Statuses)
	}
	if dead, _ := redisstore.New(h.redis.Client, h.redis.Prefix).Dead(context.Background(), 20); len(dead) > 0 {
		t.Errorf("%d dead letters, first %s: %s", len(dead), dead[0].ID, dead[0].Error)
	}
	if got := reactionsOn(h, finalID); !slices.Equal(got, []string{"+1"}) || len(h.replies(prNum)) != 0 {
		t.Errorf("final approval in the flood: reactions %v, replies %q", got, h.replies(prNum))
	}
	t.Logf("flood on one release: %d deliveries at %.0f/s, %d refused; ack p99 %v", res.Sent, res.Rate(), res.Failed, res.Quantile(.99))
}
