package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/app"
	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/loadgen"
	"github.com/ag06mixer/golive/internal/probe"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
	"github.com/ag06mixer/golive/internal/worker"
)

// loadSpec loads GitHub's OpenAPI description (once per test binary).
func loadSpec(t testing.TB) *githubfake.Spec {
	t.Helper()
	s, err := githubfake.LoadSpec("../../testdata/openapi/api.github.com.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	return s
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
	// deadOK: the test means some deliveries to be dead-lettered; any
	// other test fails if one is (a payload for a repository the fake
	// does not know once passed silently, after 8 s of retries).
	deadOK bool
	// ring keeps every replica's last warnings (diag_test.go).
	ring logRing
}

// allowDeadLetters says the test dead-letters deliveries on purpose.
func (h *harness) allowDeadLetters() { h.deadOK = true }

type node struct {
	sys  *app.App
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
		if !h.deadOK && !t.Failed() {
			store := redisstore.New(h.redis.Client, h.redis.Prefix)
			if q, err := store.Stats(context.Background()); err == nil && q.Dead > 0 {
				t.Errorf("%d deliveries were dead-lettered; a test that means it calls h.allowDeadLetters()", q.Dead)
			}
		}
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
		o.Prober = app.Loopback{Inner: &probe.Runner{Guard: guard}}
	} else {
		o.Prober = app.Loopback{Inner: o.Prober}
	}
	st := &app.Settings{WebhookSecret: testSecret, GitHubAPI: h.fake.URL(), RedisURL: h.redis.URL, RedisPrefix: h.redis.Prefix, Workers: 4, LogLevel: "error"}
	if h.dash {
		st.ClientID, st.ClientSecret, st.PublicURL, st.Poll = testClientID, testClientSecret, h.public, 300*time.Millisecond
	}
	ctx, cancel := context.WithCancel(context.Background())
	var logs io.Writer = &h.ring
	if testing.Verbose() {
		logs = io.MultiWriter(os.Stderr, &h.ring)
	}
	log := app.NewLogger(logs, "warn", "json")
	if h.logs != nil {
		log = app.NewLogger(h.logs, "debug", "json")
	}
	sys, err := app.New(ctx, st, log, o)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { sys.Serve(ctx, ln); close(done) }()
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

// drainWithin waits until every delivery and scheduled entry is handled
// (applied, or dead-lettered), syncs still owed or not.
func (h *harness) drainWithin(d time.Duration) {
	h.t.Helper()
	store := redisstore.New(h.redis.Client, h.redis.Prefix)
	for deadline := time.Now().Add(d); ; time.Sleep(10 * time.Millisecond) {
		q, err := store.Stats(context.Background())
		if err != nil {
			h.t.Fatal(err)
		}
		if q.Depth == 0 && q.Delayed == 0 && q.Pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("golive did not drain its queue within %v: %d queued, %d delayed, %d in hand\n%s", d, q.Depth, q.Delayed, q.Pending, h.unsettled())
		}
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
		h.t.Fatalf("%v\n%s", err, h.unsettled())
	}
}

func defaultCfg(t testing.TB) *checklist.Config {
	t.Helper()
	cfg, err := checklist.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
