package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/loadgen"
	"github.com/ag06mixer/golive/internal/probe"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/worker"
)

var (
	specOnce sync.Once
	spec     *githubfake.Spec
	specErr  error
)

// loadSpec loads GitHub's OpenAPI description once per test binary.
func loadSpec(t testing.TB) *githubfake.Spec {
	t.Helper()
	specOnce.Do(func() { spec, specErr = githubfake.LoadSpec("../../testdata/openapi/api.github.com.json.gz") })
	if specErr != nil {
		t.Fatal(specErr)
	}
	return spec
}

const (
	testClientID     = "Iv1.golivetest"
	testClientSecret = "client-secret-for-tests"
	testSecret       = "e2e-secret-0123456789"
	testRepo         = "Codertocat/Hello-World"
)

// harness is golive as it runs in production, on loopback: real server
// and worker, a real (or embedded) Redis, and a fake GitHub that checks
// every request against GitHub's OpenAPI description.
type harness struct {
	t      testing.TB
	fake   *githubfake.Fake
	redis  *redistest.Redis
	nodes  []*node
	nextID atomic.Int64
	// dash turns on the dashboard (with the fake's OAuth app) at public.
	dash   bool
	public string
	// logs, when set, gets every replica's JSON log at debug level.
	logs io.Writer
}

type node struct {
	sys  *system
	url  string
	stop func()
}

type harnessOpts struct {
	replicas int
	opts     worker.Options
	// redis, when set, is the Redis to use instead of the test's own.
	redis *redistest.Redis
	// dashboard turns on the dashboard; public is its GOLIVE_PUBLIC_URL.
	dashboard bool
	public    string
	// logs, when set, gets every replica's JSON log at debug level.
	logs io.Writer
}

// harnessOptsWorker are the worker options scenarios start replicas with.
func harnessOptsWorker() worker.Options {
	return worker.Options{Coalesce: 300 * time.Millisecond}
}

func newHarness(t testing.TB, ho harnessOpts) *harness {
	t.Helper()
	h := &harness{t: t, fake: githubfake.New(loadSpec(t)), redis: ho.redis, dash: ho.dashboard, public: ho.public, logs: ho.logs}
	if h.dash {
		h.fake.SetOAuthApp(testClientID, testClientSecret)
	}
	if h.redis == nil {
		h.redis = redistest.New(t)
	}
	t.Cleanup(func() {
		h.stopAll()
		h.fake.Close()
		for _, v := range h.fake.Violations() {
			t.Errorf("golive sent a request GitHub does not define: %s", v)
		}
	})
	h.fake.AddRepo("Codertocat", "Hello-World")
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		r := repos[testRepo]
		r.Perms["rita"] = "write"
		r.Perms["victor"] = "read"
		r.Perms["Codertocat"] = "admin"
	})
	if ho.replicas == 0 {
		ho.replicas = 1
	}
	if ho.replicas < 0 {
		ho.replicas = 0 // the test starts its own
	}
	for range ho.replicas {
		h.start(ho.opts)
	}
	return h
}

// start adds a replica sharing the Redis and the fake.
func (h *harness) start(o worker.Options) *node {
	t := h.t
	if o.Coalesce == 0 {
		o.Coalesce = 30 * time.Millisecond
	}
	if o.MaxCoalesce == 0 {
		o.MaxCoalesce = 2 * time.Second
	}
	if o.Reconcile == 0 {
		o.Reconcile = -1
	}
	if o.ClaimIdle == 0 {
		o.ClaimIdle = 2 * time.Second
	}
	if o.RetryBase == 0 {
		o.RetryBase = 100 * time.Millisecond
	}
	if o.RetryBudget == 0 {
		// A delivery that can never succeed (a repo GitHub does not
		// know) is dead-lettered within a settle, not retried for 1h.
		o.RetryBudget = 8 * time.Second
	}
	if o.LockTTL == 0 {
		// Well under the retry budget: a holder that died with Redis (its
		// lock kept in the AOF, its release lost) blocks the release for
		// at most this, so the deliveries behind it are retried, not
		// dead-lettered. The holder's heartbeat extends it every third.
		o.LockTTL = 4 * time.Second
	}
	if o.BreakerCooldown == 0 {
		o.BreakerCooldown = 100 * time.Millisecond // test timings: seconds, not minutes
	}
	if o.ProbeEvery == 0 {
		o.ProbeEvery = time.Hour // tests that probe say how often
	}
	if o.UnseenAfter == 0 {
		o.UnseenAfter = 200 * time.Millisecond // a box changed without its event is judged soon
	}
	if o.SettleWindow == 0 {
		o.SettleWindow = 300 * time.Millisecond // an early approval is refused within a settle
	}
	// Tests reach loopback only: the default checklist's probe targets
	// are never looked up.
	if o.Prober == nil {
		guard, _ := probe.ParseAllow("127.0.0.0/8")
		o.Prober = localProber{inner: &probe.Runner{Guard: guard}}
	} else {
		o.Prober = localProber{inner: o.Prober}
	}
	st := &settings{WebhookSecret: testSecret, GitHubAPI: h.fake.URL(), RedisURL: h.redis.URL, RedisPrefix: h.redis.Prefix, Workers: 4, LogLevel: "error"}
	if h.dash {
		st.ClientID, st.ClientSecret, st.PublicURL, st.Poll = testClientID, testClientSecret, h.public, 300*time.Millisecond
	}
	ctx, cancel := context.WithCancel(context.Background())
	var logs io.Writer = io.Discard
	if testing.Verbose() {
		logs = os.Stderr
	}
	log := newLogger(logs, "warn")
	if h.logs != nil {
		log = newLogger(h.logs, "debug")
	}
	sys, err := wire(ctx, st, log, o)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { serveOn(ctx, sys, ln); close(done) }()
	n := &node{sys: sys, url: "http://" + ln.Addr().String(), stop: func() { cancel(); <-done; sys.Close() }}
	h.nodes = append(h.nodes, n)
	return n
}

func (h *harness) stopAll() {
	for _, n := range h.nodes {
		if n.stop != nil {
			n.stop()
			n.stop = nil
		}
	}
}

// payload reads a real webhook payload and edits it.
func payload(t testing.TB, name string, edit func(m map[string]any)) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "webhooks", name))
	if err != nil {
		t.Fatal(err)
	}
	if edit == nil {
		return b
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["installation"] = map[string]any{"id": 1}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// set assigns a dotted path in a decoded payload.
func set(m map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
}

func sign(secret, body []byte) string { return loadgen.Signature(secret, body) }

// post delivers a signed webhook to replica i with a fresh delivery id,
// or id when given, and returns the status.
func (h *harness) post(i int, event string, body []byte, id string) int {
	h.t.Helper()
	if id == "" {
		id = fmt.Sprintf("d-%d", h.nextID.Add(1))
	}
	req, _ := http.NewRequest(http.MethodPost, h.nodes[i%len(h.nodes)].url+"/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set("X-Hub-Signature-256", sign([]byte(testSecret), body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// send posts and requires 202.
func (h *harness) send(event string, body []byte) {
	h.t.Helper()
	if got := h.post(0, event, body, ""); got != http.StatusAccepted {
		h.t.Fatalf("POST /webhook %s: got %d, want 202", event, got)
	}
}

// settle waits until every entry is applied and every owed sync written.
func (h *harness) settle() {
	h.t.Helper()
	h.settleWithin(20 * time.Second)
}

func (h *harness) settleWithin(d time.Duration) {
	h.t.Helper()
	store := redisstore.New(h.redis.Client, h.redis.Prefix)
	if err := store.WaitIdle(context.Background(), d, 10*time.Millisecond); err != nil {
		h.t.Fatal(err)
	}
}

// Release PR fixtures.
const (
	headA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
	headB = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"
	prNum = 2
)

func (h *harness) openPR(t testing.TB, action string, extra func(m map[string]any)) []byte {
	h.fake.AddPull(testRepo, &githubfake.Pull{Number: prNum, Title: "Release 1.0", Author: "Codertocat", HeadRef: "release/1.0", BaseRef: "main", HeadSHA: headA})
	return payload(t, "pull_request/"+action+".json", func(m map[string]any) {
		set(m, "pull_request.number", prNum)
		set(m, "number", prNum)
		set(m, "pull_request.head.ref", "release/1.0")
		set(m, "pull_request.head.sha", headA)
		set(m, "pull_request.base.ref", "main")
		set(m, "pull_request.title", "Release 1.0")
		set(m, "pull_request.created_at", "2026-11-20T09:00:00Z")
		if extra != nil {
			extra(m)
		}
	})
}

// checkRun records a CI check run in the fake and returns the real
// check_run.completed payload that reports it.
func (h *harness) checkRun(t testing.TB, name, sha, conclusion string) []byte {
	c := h.fake.AddCheckRun(testRepo, name, sha, "completed", conclusion)
	return payload(t, "check_run/completed.json", func(m map[string]any) {
		set(m, "check_run.id", c.ID)
		set(m, "check_run.name", name)
		set(m, "check_run.head_sha", sha)
		set(m, "check_run.conclusion", conclusion)
		set(m, "check_run.html_url", c.HTMLURL)
		set(m, "check_run.completed_at", c.CompletedAt.Format(time.RFC3339))
		prs := m["check_run"].(map[string]any)["pull_requests"].([]any)
		set(prs[0].(map[string]any), "number", prNum)
	})
}

func (h *harness) deploy(t testing.TB, env, sha, state string) []byte {
	d := h.fake.AddDeployment(testRepo, env, sha, "release/1.0", state)
	return payload(t, "deployment_status/created.json", func(m map[string]any) {
		set(m, "deployment.id", d.ID)
		set(m, "deployment.sha", sha)
		set(m, "deployment.ref", d.Ref)
		set(m, "deployment.environment", env)
		set(m, "deployment_status.id", d.Statuses[0].ID)
		set(m, "deployment_status.state", state)
		set(m, "deployment_status.environment", env)
		set(m, "deployment_status.created_at", d.Statuses[0].At.Format(time.RFC3339))
		set(m, "deployment_status.creator.login", "deployer")
		set(m, "deployment_status.log_url", "")
		set(m, "deployment_status.target_url", "")
	})
}

// tick ticks (or unticks) an item's box in the tracking issue as user and
// returns the issues.edited payload GitHub would send.
func (h *harness) tick(t testing.TB, user, id string, on bool) []byte {
	var before, after string
	var number int
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		is := repos[testRepo].Issues[0]
		before, number = is.Body, is.Number
		from, to := "- [ ] ", "- [x] "
		if !on {
			from, to = to, from
		}
		is.Body = strings.Replace(is.Body, from+release.ItemMarker(id), to+release.ItemMarker(id), 1)
		after = is.Body
	})
	if before == after {
		t.Fatalf("no box of %s to change", id)
	}
	return payload(t, "issues/edited.checkbox-ticked.json", func(m map[string]any) {
		set(m, "issue.number", number)
		set(m, "issue.body", after)
		set(m, "changes.body.from", before)
		set(m, "sender.login", user)
		set(m, "sender.type", "User")
		set(m, "repository.name", "Hello-World")
		set(m, "repository.full_name", testRepo)
		set(m, "repository.owner.login", "Codertocat")
	})
}

func (h *harness) issues() []githubfake.Issue {
	var out []githubfake.Issue
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, is := range repos[testRepo].Issues {
			out = append(out, *is)
		}
	})
	return out
}

func (h *harness) issue(t testing.TB) githubfake.Issue {
	t.Helper()
	is := h.issues()
	if len(is) != 1 {
		t.Fatalf("got %d tracking issues, want 1", len(is))
	}
	return is[0]
}

func (h *harness) readiness(sha string) []githubfake.CheckRun {
	var out []githubfake.CheckRun
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, c := range repos[testRepo].CheckRuns {
			if c.Name == release.CheckName && (sha == "" || c.HeadSHA == sha) {
				out = append(out, *c)
			}
		}
	})
	return out
}

func (h *harness) comments(issue int) []githubfake.Comment {
	var out []githubfake.Comment
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, c := range repos[testRepo].Comments {
			if c.Issue == issue {
				out = append(out, *c)
			}
		}
	})
	return out
}

func ticked(t testing.TB, body, id string) bool {
	t.Helper()
	v, ok := release.Ticks(body)[id]
	if !ok {
		t.Fatalf("item %s not in the issue", id)
	}
	return v
}

// comment posts a comment as user, on the PR (onPR) or on the tracking
// issue, and returns the real issue_comment.created payload for it.
func (h *harness) comment(t testing.TB, user, body string, onPR bool) []byte {
	return h.commentAt(t, user, body, onPR, time.Now())
}

// commentAt is comment, made at a given time.
func (h *harness) commentAt(t testing.TB, user, body string, onPR bool, at time.Time) []byte {
	id := 500000 + h.nextID.Add(1)
	target := prNum
	issueBody := ""
	if !onPR {
		is := h.issue(t)
		target, issueBody = is.Number, is.Body
	}
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		r := repos[testRepo]
		r.Comments = append(r.Comments, &githubfake.Comment{ID: id, Issue: target, Body: body, Author: user})
	})
	return payload(t, "issue_comment/created.json", func(m map[string]any) {
		set(m, "comment.id", id)
		set(m, "comment.body", body)
		set(m, "comment.created_at", at.UTC().Format(time.RFC3339))
		set(m, "comment.user.login", user)
		set(m, "comment.html_url", fmt.Sprintf("https://github.com/%s/issues/%d#issuecomment-%d", testRepo, target, id))
		set(m, "sender.login", user)
		set(m, "sender.type", "User")
		set(m, "issue.number", target)
		set(m, "issue.body", issueBody)
		if onPR {
			set(m, "issue.pull_request", map[string]any{"url": fmt.Sprintf("https://api.github.com/repos/%s/pulls/%d", testRepo, prNum)})
		}
	})
}

// reactions lists the reactions golive gave a comment.
func (h *harness) reactions(t testing.TB, body []byte) []string {
	var m struct {
		Comment struct {
			ID int64 `json:"id"`
		} `json:"comment"`
	}
	json.Unmarshal(body, &m)
	var out []string
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, r := range repos[testRepo].Reactions {
			if r.CommentID == m.Comment.ID {
				out = append(out, r.Content)
			}
		}
	})
	return out
}

// replies lists golive's comments (not the test's) on issue or PR n.
func (h *harness) replies(n int) []string {
	var out []string
	for _, c := range h.comments(n) {
		if c.Author == "golive[bot]" && !strings.Contains(c.Body, "golive:comment") {
			out = append(out, c.Body)
		}
	}
	return out
}

func defaultCfg(t testing.TB) *checklist.Config {
	t.Helper()
	cfg, err := checklist.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

const groupHead = "9c0ffee0000000000000000000000000000000aa"

// mergeGroup is the real merge_group.checks_requested payload for a
// group whose queue branch names pr.
func (h *harness) mergeGroup(t testing.TB, pr int) []byte {
	return payload(t, "merge_group/checks_requested.json", func(m map[string]any) {
		set(m, "merge_group.head_sha", groupHead)
		set(m, "merge_group.head_ref", fmt.Sprintf("refs/heads/gh-readonly-queue/main/pr-%d-%s", pr, headA))
		set(m, "repository.name", "Hello-World")
		set(m, "repository.full_name", testRepo)
		set(m, "repository.owner.login", "Codertocat")
	})
}

// deployGate is the real deployment_protection_rule.requested payload for
// a deployment of sha to env, waiting in workflow run 777.
func (h *harness) deployGate(t testing.TB, env, sha string) []byte {
	return payload(t, "deployment_protection_rule/requested.json", func(m map[string]any) {
		set(m, "environment", env)
		set(m, "deployment.sha", sha)
		ref := "main" // a commit of no release
		if sha == headA || sha == headB {
			ref = "release/1.0"
		}
		set(m, "deployment.ref", ref)
		set(m, "deployment.environment", env)
		set(m, "deployment_callback_url", "https://api.github.com/repos/Codertocat/Hello-World/actions/runs/777/deployment_protection_rule")
		m["pull_requests"] = []any{}
		set(m, "repository.name", "Hello-World")
		set(m, "repository.full_name", testRepo)
		set(m, "repository.owner.login", "Codertocat")
	})
}

func (h *harness) gateReviews() []githubfake.GateReview {
	var out []githubfake.GateReview
	h.fake.Do(func(repos map[string]*githubfake.Repo) { out = append(out, repos[testRepo].GateReviews...) })
	return out
}
