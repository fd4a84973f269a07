package githubapi_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubapi"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

var (
	specOnce sync.Once
	spec     *githubfake.Spec
)

func newFake(t *testing.T) *githubfake.Fake {
	t.Helper()
	specOnce.Do(func() {
		var err error
		spec, err = githubfake.LoadSpec("../../testdata/openapi/api.github.com.json.gz")
		if err != nil {
			t.Fatal(err)
		}
	})
	f := githubfake.New(spec)
	t.Cleanup(func() {
		f.Close()
		for _, v := range f.Violations() {
			t.Errorf("golive sent a request GitHub does not define: %s", v)
		}
	})
	return f
}

// fakeClock records sleeps instead of sleeping, and advances itself.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func TestClientSpeaksRealAPI(t *testing.T) {
	f := newFake(t)
	rp := f.AddRepo("ag06mixer", "mixer")
	rp.Files[".github/golive.yml"] = "version: 1\n"
	rp.Perms["alice"] = "admin"
	f.AddTeamMember("ag06mixer/security", "sam")
	in := installation(t, f)
	ctx := context.Background()
	repoFile, orgFile, err := in.ConfigFiles(ctx, "ag06mixer", "mixer")
	if err != nil || string(repoFile) != "version: 1\n" || orgFile != nil {
		t.Fatalf("config files: %q %q %v", repoFile, orgFile, err)
	}
	n, err := in.CreateIssue(ctx, "ag06mixer", "mixer", "Release", "<!-- golive:release ag06mixer/mixer#1 -->\nbody")
	if err != nil {
		t.Fatal(err)
	}
	// golive's PR comment points at the issue (findissue_test.go has the rest).
	if _, err := in.CreateComment(ctx, "ag06mixer", "mixer", 1, render.PRComment(release.Key{Owner: "ag06mixer", Repo: "mixer", PR: 1}, n)); err != nil {
		t.Fatal(err)
	}
	if got, err := in.FindIssue(ctx, "ag06mixer", "mixer", "<!-- golive:release ag06mixer/mixer#1 -->"); got.Issue != n || err != nil {
		t.Fatalf("FindIssue: got %d %v, want %d", got.Issue, err, n)
	}
	if err := in.EditIssueBody(ctx, "ag06mixer", "mixer", n, "new"); err != nil {
		t.Fatal(err)
	}
	if err := in.CloseIssue(ctx, "ag06mixer", "mixer", n, "not_planned"); err != nil {
		t.Fatal(err)
	}
	id, err := in.CreateComment(ctx, "ag06mixer", "mixer", 1, "hello <!-- golive:comment -->")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := in.FindComment(ctx, "ag06mixer", "mixer", 1, "<!-- golive:comment -->"); got != id {
		t.Errorf("FindComment: got %d, want %d", got, id)
	}
	if err := in.EditComment(ctx, "ag06mixer", "mixer", id, "edited"); err != nil {
		t.Fatal(err)
	}
	cr := release.CheckRun{SHA: "abc", Status: "completed", Conclusion: "failure", Title: "Blocked", Summary: "s",
		Problems: []release.ConfigProblem{{Path: ".github/golive.yml", Line: 3, Col: 5, Message: "unknown key"}}}
	crID, err := in.CreateCheckRun(ctx, "ag06mixer", "mixer", cr)
	if err != nil {
		t.Fatal(err)
	}
	cr.Conclusion, cr.Title = "success", "Ready"
	if err := in.UpdateCheckRun(ctx, "ag06mixer", "mixer", crID, cr); err != nil {
		t.Fatal(err)
	}
	if p, err := in.Permission(ctx, "ag06mixer", "mixer", "alice"); p != "admin" || err != nil {
		t.Errorf("permission: %q %v", p, err)
	}
	if ok, err := in.TeamMember(ctx, "ag06mixer", "security", "sam"); !ok || err != nil {
		t.Errorf("team member: %v %v", ok, err)
	}
	if ok, err := in.TeamMember(ctx, "ag06mixer", "security", "mallory"); ok || err != nil {
		t.Errorf("non-member: %v %v", ok, err)
	}
}

// installation is installation 7's client on the fake, no App key (the
// fake answers unauthenticated requests).
func installation(t *testing.T, f *githubfake.Fake) *githubapi.Installation {
	t.Helper()
	app, err := githubapi.New(githubapi.Config{BaseURL: f.URL()})
	if err != nil {
		t.Fatal(err)
	}
	in, err := app.For(7)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// TestRateLimitWaits proves no request is sent before GitHub allows it:
// after a 429 with Retry-After the next request waits that long; after a
// response with x-ratelimit-remaining 0 it waits for the reset.
// clocked is an installation client on the fake whose rate-limit
// transport runs on clock.
func clocked(t *testing.T, f *githubfake.Fake, clock *fakeClock) *githubapi.Installation {
	t.Helper()
	app, err := githubapi.New(githubapi.Config{BaseURL: f.URL(), Clock: clock, MaxWait: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	in, err := app.For(1)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestRateLimitWaits(t *testing.T) {
	f := newFake(t)
	f.AddRepo("o", "r")
	clock := &fakeClock{now: time.Now()}
	in := clocked(t, f, clock)
	ctx := context.Background()

	f.Inject(&githubfake.Fault{Match: "GET /repos/{owner}/{repo}/issues/{issue_number}", Status: 429, RetryAfter: 30, Times: 1})
	if _, err := in.IssueBody(ctx, "o", "r", 1); err == nil {
		t.Fatal("a 429 did not fail the request")
	}
	f.Do(func(map[string]*githubfake.Repo) {})
	sent := len(f.Log())
	in.IssueBody(ctx, "o", "r", 1)
	if len(clock.sleeps) != 1 || clock.sleeps[0] != 30*time.Second {
		t.Fatalf("slept %v before the next request, want [30s]", clock.sleeps)
	}
	if len(f.Log()) != sent+1 {
		t.Fatalf("sent %d requests after the wait, want 1", len(f.Log())-sent)
	}

	// remaining=0: nothing is sent before the reset. (go-github itself
	// refuses such a request without sending it; the transport would wait.)
	reset := clock.Now().Add(90 * time.Second)
	f.Inject(&githubfake.Fault{Match: "GET /repos/{owner}/{repo}/issues/{issue_number}", Status: 403, Reset: reset, Times: 1})
	in.IssueBody(ctx, "o", "r", 1)
	sent = len(f.Log())
	clock.sleeps = nil
	_, err := in.IssueBody(ctx, "o", "r", 1)
	waited := len(clock.sleeps) == 1 && !clock.Now().Before(reset)
	if !waited && (err == nil || len(f.Log()) != sent) {
		t.Fatalf("after remaining=0: slept %v, err %v, %d requests sent; want a wait until %v or no request", clock.sleeps, err, len(f.Log())-sent, reset)
	}
	in = clocked(t, f, clock)

	// A secondary limit with neither header waits at least a minute.
	f.Inject(&githubfake.Fault{Match: "GET", Status: 429, Times: 1})
	in.IssueBody(ctx, "o", "r", 1)
	clock.sleeps = nil
	in.IssueBody(ctx, "o", "r", 1)
	if len(clock.sleeps) != 1 || clock.sleeps[0] < githubapi.SecondaryMinWait {
		t.Fatalf("after a bare secondary limit: slept %v, want at least a minute", clock.sleeps)
	}
}

func TestUnreachableGitHub(t *testing.T) {
	app, err := githubapi.New(githubapi.Config{BaseURL: "http://127.0.0.1:1/"})
	if err != nil {
		t.Fatal(err)
	}
	in, _ := app.For(1)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := in.FindIssue(ctx, "o", "r", "m"); err == nil {
		t.Error("an unreachable GitHub gave no error")
	}
}

// memCache is an in-memory Cache for tests.
type memCache struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (c *memCache) CacheGet(_ context.Context, k string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok, nil
}

func (c *memCache) CacheSet(_ context.Context, k string, v []byte, _ time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k] = v
	return nil
}

// TestETagRevalidation: a repeated GET carries If-None-Match, GitHub's 304
// (which costs no rate limit) is served from the cache, and a change is
// read fresh.
func TestETagRevalidation(t *testing.T) {
	f := newFake(t)
	f.AddRepo("o", "r")
	app, err := githubapi.New(githubapi.Config{BaseURL: f.URL(), Cache: &memCache{m: map[string][]byte{}}})
	if err != nil {
		t.Fatal(err)
	}
	in, _ := app.For(1)
	ctx := context.Background()
	n, err := in.CreateIssue(ctx, "o", "r", "t", "first")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		is, err := in.GetIssue(ctx, "o", "r", n)
		if err != nil || is.Body != "first" {
			t.Fatalf("read %d: %q %v", i, is.Body, err)
		}
	}
	if got := f.NotModified(); got != 2 {
		t.Errorf("%d answers were 304, want 2", got)
	}
	if err := in.EditIssueBody(ctx, "o", "r", n, "second"); err != nil {
		t.Fatal(err)
	}
	if is, _ := in.GetIssue(ctx, "o", "r", n); is.Body != "second" {
		t.Errorf("after an edit the cache served %q", is.Body)
	}
	if got := f.NotModified(); got != 2 {
		t.Errorf("a changed issue was answered 304")
	}
}

// TestETagLargeAnswer: an answer over the cache's size cap is passed on
// whole and not kept.
func TestETagLargeAnswer(t *testing.T) {
	f := newFake(t)
	f.AddRepo("o", "r")
	cache := &memCache{m: map[string][]byte{}}
	app, _ := githubapi.New(githubapi.Config{BaseURL: f.URL(), Cache: cache})
	in, _ := app.For(1)
	ctx := context.Background()
	big := strings.Repeat("x", 60000) + "<!-- golive:release o/r#1 -->"
	for range 25 { // 25 × 60 KB: over the 1 MiB cap
		if _, err := in.CreateIssue(ctx, "o", "r", "t", big); err != nil {
			t.Fatal(err)
		}
	}
	open, err := in.OpenTrackingIssues(ctx, "o", "r")
	if err != nil || len(open) != 25 {
		t.Fatalf("OpenTrackingIssues over a large list: %d %v", len(open), err)
	}
}

// TestGatewayErrorsRetried: a read GitHub answers 502, 503 or 504 is sent
// once more at once; a write is not (its sync retries with a backoff, and
// a POST sent twice could open a second issue).
func TestGatewayErrorsRetried(t *testing.T) {
	f := newFake(t)
	f.AddRepo("o", "r")
	clock := &fakeClock{now: time.Now()}
	in := clocked(t, f, clock)
	ctx := context.Background()
	n, err := in.CreateIssue(ctx, "o", "r", "t", "one")
	if err != nil {
		t.Fatal(err)
	}
	count := func(route string) int { return f.Counts()[route] }
	const get, patch, post = "GET /repos/{owner}/{repo}/issues/{issue_number}", "PATCH /repos/{owner}/{repo}/issues/{issue_number}", "POST /repos/{owner}/{repo}/issues"

	f.Inject(&githubfake.Fault{Match: get, Status: 502, Times: 1})
	if body, err := in.IssueBody(ctx, "o", "r", n); err != nil || body != "one" {
		t.Fatalf("a 502 then a success: %q %v", body, err)
	}
	if got := count(get); got != 2 || len(clock.sleeps) != 0 {
		t.Errorf("%d GETs and pauses %v, want 2 and none", got, clock.sleeps)
	}
	f.Inject(&githubfake.Fault{Match: get, Status: 503, Times: 2})
	if _, err := in.IssueBody(ctx, "o", "r", n); err == nil {
		t.Error("two 503s in a row did not fail the read")
	}
	f.ClearFaults()

	before := count(patch)
	f.Inject(&githubfake.Fault{Match: patch, Status: 502, Times: 1})
	if err := in.EditIssueBody(ctx, "o", "r", n, "two"); err == nil {
		t.Error("a 502 on a write did not fail it")
	}
	if got := count(patch) - before; got != 1 {
		t.Errorf("a PATCH answered 502 was sent %d times, want once", got)
	}
	before = count(post)
	f.Inject(&githubfake.Fault{Match: post, Status: 502, Times: 1})
	if _, err := in.CreateIssue(ctx, "o", "r", "t", "three"); err == nil {
		t.Error("a 502 on a create did not fail it")
	}
	if got := count(post) - before; got != 1 {
		t.Errorf("a create answered 502 was sent %d times, want once", got)
	}
}
