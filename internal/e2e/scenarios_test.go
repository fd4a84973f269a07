package e2e

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/worker"
)

// The scenarios of docs/benchmarks.md in a short form; `make storm` runs
// them at full size (-storm.full).
var stormFull = flag.Bool("storm.full", false, "run the scenarios at full size: 200 releases, 50 checks, 5 sign-offs and 3 pushes each")

type stormSize struct {
	releases, checks, pushes int
	rate                     float64 // deliveries/s; 0 flat out
}

func size() stormSize {
	if *stormFull {
		return stormSize{releases: 200, checks: 50, pushes: 3, rate: 1000}
	}
	return stormSize{releases: 12, checks: 10, pushes: 2}
}

var stormChecks = []string{"CI / unit tests", "CI / integration", "CI / e2e", "image-build", "sast"}
var stormSigners = []string{"tina tech-lead", "sam security", "bob business", "olga ops"}

func stormHead(r, push int) string { return fmt.Sprintf("%05x%02x%033x", r+1, push, 0xc0ffee) }

// storm plays a release storm through post and checks every release ends
// right: one issue, one PR comment, the final CI results and the
// sign-offs in place, each exactly once. It returns the delivery count.
type storm struct {
	h    *harness
	t    *testing.T
	sz   stormSize
	post func(event string, bodies [][]byte)
	// signs are the sign-off comments posted, by release.
	signs map[int][]int64
}

func (s *storm) pr(r int) int { return 100 + r }

func (s *storm) play() int {
	h, t, sz := s.h, s.t, s.sz
	sent := 0
	send := func(event string, bodies [][]byte) {
		s.post(event, bodies)
		sent += len(bodies)
	}
	var opens [][]byte
	for r := range sz.releases {
		n := s.pr(r)
		h.fake.AddPull(testRepo, &githubfake.Pull{Number: n, Title: fmt.Sprintf("Release %d", r), Author: "Codertocat", HeadRef: fmt.Sprintf("release/%d", r), BaseRef: "main", HeadSHA: stormHead(r, 0),
			UpdatedAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)})
		opens = append(opens, payload(t, "pull_request/opened.json", func(m map[string]any) {
			set(m, "number", n)
			set(m, "pull_request.number", n)
			set(m, "pull_request.head.ref", fmt.Sprintf("release/%d", r))
			set(m, "pull_request.head.sha", stormHead(r, 0))
			set(m, "pull_request.updated_at", "2026-11-20T09:00:00Z")
			set(m, "pull_request.base.ref", "main")
			set(m, "pull_request.title", fmt.Sprintf("Release %d", r))
			set(m, "pull_request.created_at", "2026-11-20T09:00:00Z")
		}))
	}
	send("pull_request", opens)
	checkRun := func(r, push, i int, concl string) []byte {
		name := stormChecks[i%len(stormChecks)]
		c := h.fake.AddCheckRun(testRepo, name, stormHead(r, push), "completed", concl)
		return payload(t, "check_run/completed.json", func(m map[string]any) {
			set(m, "check_run.id", c.ID)
			set(m, "check_run.name", name)
			set(m, "check_run.head_sha", stormHead(r, push))
			set(m, "check_run.conclusion", concl)
			set(m, "check_run.html_url", c.HTMLURL)
			set(m, "check_run.completed_at", c.CompletedAt.Format(time.RFC3339))
			prs := m["check_run"].(map[string]any)["pull_requests"].([]any)
			set(prs[0].(map[string]any), "number", s.pr(r))
		})
	}
	// CI results interleaved across releases, with pushes among them.
	perPhase := sz.checks / (sz.pushes + 1)
	for push := 0; push <= sz.pushes; push++ {
		var batch [][]byte
		for i := range perPhase {
			for r := range sz.releases {
				concl := "success"
				if (i+r)%4 == 0 {
					concl = "failure"
				}
				batch = append(batch, checkRun(r, push, i, concl))
			}
		}
		send("check_run", batch)
		if push == sz.pushes {
			break
		}
		var pushes [][]byte
		for r := range sz.releases {
			h.fake.Do(func(repos map[string]*githubfake.Repo) {
				pr := repos[testRepo].Pulls[s.pr(r)]
				pr.HeadSHA, pr.UpdatedAt = stormHead(r, push+1), time.Date(2026, 11, 20, 10+push, 0, 0, 0, time.UTC)
				pr.Commits = append(pr.Commits, pr.HeadSHA)
			})
			pushes = append(pushes, payload(t, "pull_request/synchronize.json", func(m map[string]any) {
				set(m, "number", s.pr(r))
				set(m, "pull_request.number", s.pr(r))
				set(m, "pull_request.head.ref", fmt.Sprintf("release/%d", r))
				set(m, "pull_request.head.sha", stormHead(r, push+1))
				set(m, "pull_request.updated_at", time.Date(2026, 11, 20, 10+push, 0, 0, 0, time.UTC).Format(time.RFC3339))
				set(m, "pull_request.base.ref", "main")
				set(m, "pull_request.title", fmt.Sprintf("Release %d", r))
				set(m, "pull_request.created_at", "2026-11-20T09:00:00Z")
			}))
		}
		send("pull_request", pushes)
	}
	// Final CI results on the last head, then the sign-offs.
	var final [][]byte
	for r := range sz.releases {
		for i := range stormChecks {
			final = append(final, checkRun(r, sz.pushes, i, "success"))
		}
	}
	send("check_run", final)
	var signs [][]byte
	for r := range sz.releases {
		for _, who := range stormSigners {
			user, role, _ := strings.Cut(who, " ")
			signs = append(signs, s.comment(r, user, "/approve "+role))
		}
	}
	send("issue_comment", signs)
	return sent
}

func (s *storm) comment(r int, user, body string) []byte {
	id := 700000 + s.h.nextID.Add(1)
	if strings.HasPrefix(body, "/approve ") {
		if s.signs == nil {
			s.signs = map[int][]int64{}
		}
		s.signs[r] = append(s.signs[r], id)
	}
	s.h.fake.Do(func(repos map[string]*githubfake.Repo) {
		repos[testRepo].Comments = append(repos[testRepo].Comments, &githubfake.Comment{ID: id, Issue: s.pr(r), Body: body, Author: user})
	})
	return payload(s.t, "issue_comment/created.json", func(m map[string]any) {
		set(m, "comment.id", id)
		set(m, "comment.body", body)
		set(m, "comment.user.login", user)
		set(m, "comment.created_at", time.Now().UTC().Format(time.RFC3339))
		set(m, "comment.html_url", fmt.Sprintf("https://github.com/%s/pull/%d#issuecomment-%d", testRepo, s.pr(r), id))
		set(m, "sender.login", user)
		set(m, "sender.type", "User")
		set(m, "issue.number", s.pr(r))
		set(m, "issue.body", "")
		set(m, "issue.pull_request", map[string]any{"url": "x"})
	})
}

// verify checks every release's end state.
func (s *storm) verify() {
	h, t := s.h, s.t
	if dead, _ := redisstore.New(h.redis.Client, h.redis.Prefix).Dead(context.Background(), 20); len(dead) > 0 {
		for _, d := range dead {
			t.Errorf("dead letter %s %s after %d attempts: %s", d.ID, d.Event, d.Attempt, d.Error)
		}
	}
	issues := map[string]int{}
	bodies := map[int]string{}
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, is := range repos[testRepo].Issues {
			for r := range s.sz.releases {
				if strings.Contains(is.Body, fmt.Sprintf("<!-- golive:release %s#%d -->", testRepo, s.pr(r))) {
					issues[fmt.Sprint(s.pr(r))]++
					bodies[r] = is.Body
				}
			}
		}
	})
	for r := range s.sz.releases {
		if n := issues[fmt.Sprint(s.pr(r))]; n != 1 {
			t.Errorf("release %d has %d tracking issues", s.pr(r), n)
			continue
		}
		if n := len(h.replies(s.pr(r))); n != 0 {
			t.Errorf("release %d: %d replies on the PR: %q", s.pr(r), n, h.replies(s.pr(r)))
		}
		// Each sign-off is acknowledged: a reaction GitHub failed is owed
		// by the release and posted by a later sync (finishOrOwe). GitHub
		// keeps one +1 however often it is given; the fake keeps each.
		for _, id := range s.signs[r] {
			got := reactionsOn(h, id)
			if len(got) == 0 || slices.ContainsFunc(got, func(c string) bool { return c != "+1" }) {
				t.Errorf("release %d: sign-off comment %d has reactions %q, want +1", s.pr(r), id, got)
			}
		}
		golive := 0
		for _, c := range h.comments(s.pr(r)) {
			if strings.Contains(c.Body, "golive:comment") {
				golive++
			}
		}
		if golive != 1 {
			t.Errorf("release %d has %d golive PR comments", s.pr(r), golive)
		}
		body := bodies[r]
		if st, _ := snapshot(h, context.Background(), release.Key{Owner: "Codertocat", Repo: "Hello-World", PR: s.pr(r)}); st != nil && testing.Verbose() {
			n := 0
			for _, c := range st.Checks {
				if c.SHA == st.HeadSHA {
					n++
				}
			}
			t.Logf("release %d: state head %s, %d checks on it, %d sign-offs, body shows head %v", s.pr(r), st.HeadSHA[:7], n, len(st.Signoffs), strings.Contains(body, st.HeadSHA[:7]))
		}
		for _, id := range []string{"unit-tests-comprehensive-and-passing", "integration-tests-covering-critical-paths", "end-to-end-tests-automated", "docker-images-built-and-tagged", "sql-injection-prevention-verified"} {
			if !ticked(t, body, id) {
				t.Errorf("release %d: %s not ticked by the final CI results", s.pr(r), id)
			}
		}
		for _, role := range []string{"Technical Lead", "Security Review", "Business Owner", "Operations Manager"} {
			if n := strings.Count(body, "signed off as "+role); n != 1 {
				t.Errorf("release %d: the %s sign-off shows %d times", s.pr(r), role, n)
				if st, _ := snapshot(h, context.Background(), release.Key{Owner: "Codertocat", Repo: "Hello-World", PR: s.pr(r)}); st != nil {
					for _, a := range st.Audit {
						t.Logf("  audit %s %s %s: %s", a.At.Format("15:04:05.000"), a.Actor, a.Action, a.Detail)
					}
				}
			}
		}
		if !strings.Contains(body, "`"+stormHead(r, s.sz.pushes)[:7]+"`") {
			t.Errorf("release %d: the issue does not show the final head", s.pr(r))
		}
	}
}

func runStorm(t *testing.T, h *harness, urls func() []string) (*storm, *poster, time.Duration) {
	return runStormHealed(t, h, urls, func() {})
}

// runStormHealed is runStorm calling healed once the storm is played,
// before it waits for golive to settle.
func runStormHealed(t *testing.T, h *harness, urls func() []string, healed func()) (*storm, *poster, time.Duration) {
	signers(h)
	sz := size()
	p := &poster{t: t, urls: urls, rate: sz.rate}
	s := &storm{h: h, t: t, sz: sz, post: p.post}
	start := time.Now()
	s.play()
	healed()
	h.settleWithin(90 * time.Second)
	return s, p, time.Since(start)
}

func nodeURLs(h *harness) func() []string {
	return func() []string {
		var out []string
		for _, n := range h.nodes {
			if n.stop != nil {
				out = append(out, n.url)
			}
		}
		return out
	}
}

// TestScenarioStorm: interleaved CI results, pushes and sign-offs across
// many releases; every release ends right, and GitHub writes are counted.
func TestScenarioStorm(t *testing.T) {
	long(t)
	t.Parallel()
	h := newHarness(t, harnessOpts{opts: worker.Options{Coalesce: 300 * time.Millisecond}})
	s, p, took := runStorm(t, h, nodeURLs(h))
	s.verify()
	writes := h.fake.Writes()
	t.Logf("storm: %d releases in %v: %s; %d GitHub writes (%.1f per release), %d requests\n%s",
		s.sz.releases, took.Round(time.Millisecond), p.summary(), writes, float64(writes)/float64(s.sz.releases), len(h.fake.Log()), h.fake.CountsTable())
}

// TestScenarioTwoReplicas: the same storm over two replicas sharing one
// Redis, deliveries spread over both; no duplicate effects.
func TestScenarioTwoReplicas(t *testing.T) {
	long(t)
	t.Parallel()
	h := newHarness(t, harnessOpts{replicas: 2, opts: worker.Options{Coalesce: 300 * time.Millisecond}})
	s, p, took := runStorm(t, h, nodeURLs(h))
	s.verify()
	t.Logf("two replicas: %d releases in %v: %s; %d GitHub writes", s.sz.releases, took.Round(time.Millisecond), p.summary(), h.fake.Writes())
}

// TestScenarioGitHubFaults: GitHub fails a fifth of requests with 502,
// stalls some for 2 s, and rate-limits with Retry-After; everything is
// applied in the end, and no request goes out before Retry-After allows.
func TestScenarioGitHubFaults(t *testing.T) {
	long(t)
	t.Parallel()
	// A budget far above the faults' bursts, as in production (an hour):
	// the harness's 8 s is for deliveries that can never succeed.
	h := newHarness(t, harnessOpts{opts: worker.Options{Coalesce: 300 * time.Millisecond, RetryBase: 100 * time.Millisecond, RetryBudget: time.Minute}})
	h.fake.Inject(&githubfake.Fault{Status: 502, Every: 5})
	h.fake.Inject(&githubfake.Fault{Delay: 2 * time.Second, Every: 40, Times: 3})
	h.fake.Inject(&githubfake.Fault{Match: "PATCH", Status: 429, RetryAfter: 1, Every: 6, Times: 3})
	// Every delivery is applied under the faults. Then GitHub recovers,
	// and every sync still owed is written within the flusher's longest
	// backoff. Under the faults to the end, the settle was a matter of
	// luck: with the queue empty, one release's retry (a read and the
	// write) met the fault on every fifth request each time, and its
	// backoff outgrew the settle (CI, 2026-12-03).
	s, p, took := runStormHealed(t, h, nodeURLs(h), func() {
		h.drainWithin(90 * time.Second)
		// A fast run can drain before the sixth PATCH: the syncs still
		// owed go on under the faults until a 429 has been answered.
		for deadline := time.Now().Add(30 * time.Second); !answered429(h) && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		h.fake.ClearFaults()
	})
	s.verify()
	// After a 429 with Retry-After, the next request of the installation
	// waits for it.
	log := h.fake.Log()
	sort.Slice(log, func(i, j int) bool { return log[i].Start.Before(log[j].Start) })
	limited := 0
	for i, r := range log {
		if r.Status != 429 {
			continue
		}
		limited++
		if v := sentInsideRetryAfter(r, log[i+1:]); v != "" {
			t.Error(v)
		}
	}
	if limited == 0 {
		t.Error("no 429 was injected")
	}
	t.Logf("GitHub faults: %d releases in %v: %s; %d requests, %d answered 429", s.sz.releases, took.Round(time.Millisecond), p.summary(), len(log), limited)
}

// snapshot reads a release's saved state straight from Redis.
func snapshot(h *harness, _ context.Context, k release.Key) (*release.State, error) {
	raw, err := redisstore.New(h.redis.Client, h.redis.Prefix).LoadState(context.Background(), k.String())
	if err != nil || raw == nil {
		return nil, err
	}
	var rec struct {
		State *release.State `json:"state"`
	}
	err = json.Unmarshal(raw, &rec)
	return rec.State, err
}
