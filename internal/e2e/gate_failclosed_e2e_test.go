package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/worker"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// readyRelease opens the release PR and makes it ready: CI green, staging
// deployed, every hand item ticked, the five sign-offs and the waivers.
func readyRelease(t *testing.T) *harness {
	t.Helper()
	h := openRelease(t)
	plan := checklist.PlanReady(defaultCfg(t))
	for _, name := range plan.Checks {
		h.send("check_run", h.checkRun(t, name, headA, "success"))
	}
	h.send("deployment_status", h.deploy(t, "staging", headA, "success"))
	h.send("issue_comment", h.comment(t, "adam", plan.Ticks, false))
	h.settle()
	for _, who := range []string{"tina tech-lead", "sam security", "bob business", "olga ops", "rita final"} {
		user, role, _ := strings.Cut(who, " ")
		h.send("issue_comment", h.comment(t, user, "/approve "+role, true))
		h.settle()
	}
	h.send("issue_comment", h.comment(t, "adam", plan.Waivers, false))
	h.send("issue_comment", h.comment(t, "sam", plan.SecWaivers, false))
	h.settle()
	if c := latestReadiness(h, headA); c.Conclusion != "success" {
		t.Fatalf("the release is not ready: %s %q", c.Conclusion, c.Title())
	}
	return h
}

// latestReadiness is the newest golive/readiness check run on sha: the
// one GitHub's merge box shows.
func latestReadiness(h *harness, sha string) githubfake.CheckRun {
	cr := h.readiness(sha)
	if len(cr) == 0 {
		return githubfake.CheckRun{}
	}
	return cr[len(cr)-1]
}

// waitUntil polls cond until it holds, or fails the test after 20 s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func (h *harness) deleteIssue(status int) int {
	var n int
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		r := repos[testRepo]
		n = r.Issues[0].Number
		r.DeleteIssue(n, status)
	})
	return n
}

func (h *harness) queueStats(t *testing.T) redisstore.QueueStats {
	st, err := redisstore.New(h.redis.Client, h.redis.Prefix).Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestE2EHoldClosesGateWhenIssueCannotBeWritten: the tracking issue of a
// ready release is deleted (GitHub answers 410) and cannot be recreated
// (every issue create fails); a /hold must still turn the readiness check
// to failure. Before, the sync stopped at the failed body write and the
// check stayed success.
func TestE2EHoldClosesGateWhenIssueCannotBeWritten(t *testing.T) {
	t.Parallel()
	h := readyRelease(t)
	h.deleteIssue(410)
	h.fake.Inject(&githubfake.Fault{Match: "POST /repos/{owner}/{repo}/issues", Status: 500})
	h.send("issue_comment", h.comment(t, "rita", "/hold legal has not cleared the launch", true))
	waitUntil(t, "the check to turn not-success", func() bool { return latestReadiness(h, headA).Conclusion == "failure" })
	if c := latestReadiness(h, headA); !strings.Contains(c.Summary(), "On hold") {
		t.Errorf("the check does not say why: %q", c.Summary())
	}
	h.fake.ClearFaults()
	h.settle()
}

// TestE2EDeletedIssueRecreated: a deleted tracking issue (410 or 404) is
// recreated from golive's state, with the marker and the signed ledger,
// and the PR gets one note saying so.
func TestE2EDeletedIssueRecreated(t *testing.T) {
	t.Parallel()
	for _, status := range []int{410, 404} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			h := openRelease(t)
			h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
			h.settle()
			old := h.deleteIssue(status)
			h.send("issue_comment", h.comment(t, "tina", "/approve tech-lead", true))
			h.settle()
			is := h.issue(t)
			if is.Number == old {
				t.Fatalf("issue #%d was not recreated", old)
			}
			k := release.Key{Owner: "Codertocat", Repo: "Hello-World", PR: prNum}
			if !strings.Contains(is.Body, fmt.Sprintf("golive:release %s", k)) && !strings.Contains(is.Body, "golive:release") {
				t.Errorf("the new issue has no marker:\n%.400s", is.Body)
			}
			if !strings.Contains(is.Body, "signed off as Security Review") || !strings.Contains(is.Body, "signed off as Technical Lead") {
				t.Errorf("the new issue lost the ledger:\n%.2000s", is.Body)
			}
			// More events: still one note, and the issue is edited in place.
			h.send("issue_comment", h.comment(t, "bob", "/approve business", true))
			h.settle()
			notes := 0
			for _, r := range h.replies(prNum) {
				if strings.Contains(r, "was deleted") {
					notes++
				}
			}
			if notes != 1 {
				t.Errorf("%d notes of the recreation on the PR, want 1: %q", notes, h.replies(prNum))
			}
			if got := h.issue(t); got.Number != is.Number || !strings.Contains(got.Body, "signed off as Business Owner") {
				t.Errorf("after the recreation the issue is #%d (want #%d) or lacks the new sign-off", got.Number, is.Number)
			}
			if c := h.comments(prNum); !strings.Contains(fmt.Sprint(c), fmt.Sprintf("#%d", is.Number)) {
				t.Errorf("the PR comment does not link the new issue #%d", is.Number)
			}
		})
	}
}

// TestE2EDeployGateUnknownCommitOnReleaseRef: a deployment of a commit no
// release tracks is rejected in a gated environment even when its ref is
// a release branch; before, the branch index approved it as the release's.
func TestE2EDeployGateUnknownCommitOnReleaseRef(t *testing.T) {
	t.Parallel()
	h := readyRelease(t)
	const stray = "feedfacefeedfacefeedfacefeedfacefeedface"
	for _, env := range []string{"staging", "production"} {
		p := payload(t, "deployment_protection_rule/requested.json", func(m map[string]any) {
			set(m, "environment", env)
			set(m, "deployment.sha", stray)
			set(m, "deployment.ref", "release/1.0")
			set(m, "deployment.environment", env)
			set(m, "deployment_callback_url", "https://api.github.com/repos/Codertocat/Hello-World/actions/runs/777/deployment_protection_rule")
			m["pull_requests"] = []any{map[string]any{"number": prNum}}
			set(m, "repository.name", "Hello-World")
			set(m, "repository.full_name", testRepo)
			set(m, "repository.owner.login", "Codertocat")
		})
		h.send("deployment_protection_rule", p)
	}
	h.send("deployment_protection_rule", h.deployGate(t, "staging", headA))
	h.settle()
	rs := h.gateReviews()
	if len(rs) != 3 {
		t.Fatalf("%d reviews, want 3: %+v", len(rs), rs)
	}
	// Four workers take the three requests in any order, and every
	// review answers run 777: tell them apart by what they say.
	rejected, own := map[string]bool{}, 0
	for _, r := range rs {
		switch {
		case strings.Contains(r.Comment, "No golive release tracks "+stray):
			if r.State != "rejected" {
				t.Errorf("%s of a stray commit on release/1.0: %+v", r.Environment, r)
			}
			rejected[r.Environment] = true
		case r.State == "approved" && r.Environment == "staging":
			own++
		default:
			t.Errorf("a review that is neither the stray commit's rejection nor the release's approval: %+v", r)
		}
	}
	if !rejected["staging"] || !rejected["production"] || own != 1 {
		t.Errorf("stray commit rejected in %v, the ready release's own head approved %d times; want both environments and once: %+v", rejected, own, rs)
	}
}

// TestE2ERefusedWriteDoesNotWedgeOutbox: a reply GitHub refuses with 422
// (here a /golive help × 1000 whose reply is over GitHub's limit, and an
// injected 422) is logged, counted and dropped; the release's later
// events still apply, and nothing is dead-lettered.
func TestE2ERefusedWriteDoesNotWedgeOutbox(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("issue_comment", h.comment(t, "victor", strings.Repeat("/golive help\n", 1000), true))
	h.settle()
	h.fake.Inject(&githubfake.Fault{Match: "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", Status: 422, Times: 1})
	h.send("issue_comment", h.comment(t, "victor", "/hold not yet", true)) // refused: its reply hits the 422
	h.settle()
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.send("issue_comment", h.comment(t, "victor", "/approve security", true))
	h.settle()
	if !strings.Contains(h.issue(t).Body, "signed off as Security Review") {
		t.Fatal("a later sign-off was not applied")
	}
	if st := h.queueStats(t); st.Dead != 0 {
		t.Fatalf("%d deliveries dead-lettered", st.Dead)
	}
	if r := h.replies(prNum); len(r) == 0 || !strings.Contains(r[len(r)-1], "security") {
		t.Errorf("the reply after the refused ones was not posted: %q", r)
	}
	m := h.nodes[0].sys.Metrics()
	if n := counterValue(m.Refused.WithLabelValues("reply", "422")); n < 1 {
		t.Errorf("golive_github_refused_total{object=reply,status=422} = %v", n)
	}
}

// TestE2EPanicInOneEventIsRecovered: a panic while handling one event (a
// port that panics, injected) is recovered and counted, its delivery is
// dead-lettered, the release's lock is let go, and the process goes on
// with the next events of the same release.
func TestE2EPanicInOneEventIsRecovered(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{replicas: -1})
	h.allowDeadLetters() // the panicking delivery
	var panicking atomic.Bool
	panicking.Store(true)
	n := h.start(worker.Options{Coalesce: -1, DetailsURL: func(name string) string {
		if panicking.Load() {
			panic("injected: a port that panics")
		}
		return ""
	}})
	signers(h)
	h.send("pull_request", h.openPR(t, "opened", nil))
	waitUntil(t, "the delivery to be dead-lettered", func() bool { return h.queueStats(t).Dead == 1 })
	if got := counterValue(n.sys.Metrics().Panics.WithLabelValues("event")); got != 1 {
		t.Errorf("golive_panics_total{where=event} = %v, want 1", got)
	}
	panicking.Store(false)
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.settle()
	if !strings.Contains(h.issue(t).Body, "signed off as Security Review") {
		t.Fatal("the next event of the release was not applied")
	}
	if c := latestReadiness(h, headA); c.Conclusion != "failure" {
		t.Errorf("readiness after the panic: %+v", c)
	}
}

// TestE2EMergeGroupAfterRedisLoss: with Redis lost, a blocked release
// PR's merge group is not passed as "no release PR": golive looks the PR
// up on GitHub, rebuilds it, and fails the group.
func TestE2EMergeGroupAfterRedisLoss(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	ctx := context.Background()
	rdb := h.nodes[0].sys.Store().Client()
	keys, _ := rdb.Keys(ctx, h.redis.Prefix+":*").Result()
	rdb.Del(ctx, keys...)
	h.send("merge_group", h.mergeGroup(t, prNum))
	h.settle()
	g := h.readiness(groupHead)
	if len(g) == 0 || g[len(g)-1].Conclusion != "failure" || !strings.HasPrefix(g[len(g)-1].Title(), "Merge queue: Blocked") {
		t.Fatalf("group of a blocked release after Redis loss: %+v", g)
	}
	if len(h.issues()) != 1 {
		t.Errorf("%d tracking issues after the rebuild, want 1", len(h.issues()))
	}
}

// TestE2ENotAReleasePR: a PR that is not a release PR gets
// golive/readiness success once per head, no tracking issue, no comment
// and no state; a redelivery and a second event on the head write
// nothing. Labelled a release later, it is judged: its check is the real
// verdict.
func TestE2ENotAReleasePR(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	const n, head = 7, "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12"
	h.fake.AddPull(testRepo, &githubfake.Pull{Number: n, Title: "Add a feature", Author: "rita", HeadRef: "feature/x", BaseRef: "main", HeadSHA: head})
	pr := func(action string, labels ...string) []byte {
		return payload(t, "pull_request/"+action+".json", func(m map[string]any) {
			set(m, "pull_request.number", n)
			set(m, "number", n)
			set(m, "pull_request.head.ref", "feature/x")
			set(m, "pull_request.head.sha", head)
			set(m, "pull_request.base.ref", "main")
			set(m, "pull_request.title", "Add a feature")
			inTestRepo(m) // edited.json is another repository's
			ls := []any{}
			for _, l := range labels {
				ls = append(ls, map[string]any{"name": l})
			}
			set(m, "pull_request.labels", ls)
		})
	}
	opened := pr("opened")
	h.send("pull_request", opened)
	h.send("pull_request", opened) // a redelivery
	h.send("pull_request", pr("edited"))
	h.settle()
	cr := h.readiness(head)
	if len(cr) != 1 || cr[0].Conclusion != "success" || cr[0].Title() != "Not a release PR" {
		t.Fatalf("check runs on a non-release PR's head: %+v", cr)
	}
	if is := h.issues(); len(is) != 0 {
		t.Errorf("a non-release PR got %d tracking issues", len(is))
	}
	if c := h.comments(n); len(c) != 0 {
		t.Errorf("a non-release PR got comments: %+v", c)
	}
	if st, _ := h.nodes[0].sys.Worker().Snapshot(context.Background(), release.Key{Owner: "Codertocat", Repo: "Hello-World", PR: n}); st != nil {
		t.Errorf("golive tracks a non-release PR: %+v", st.Key)
	}
	// Labelled a release: tracked, and its check now blocks.
	h.fake.Do(func(repos map[string]*githubfake.Repo) { repos[testRepo].Pulls[n].Labels = []string{"release"} })
	h.send("pull_request", pr("labeled", "release"))
	h.settle()
	if c := latestReadiness(h, head); c.Conclusion != "failure" {
		t.Fatalf("once a release, the check is %s %q, want the verdict (failure)", c.Conclusion, c.Title())
	}
	if len(h.issues()) != 1 {
		t.Errorf("the new release has %d tracking issues", len(h.issues()))
	}
}

// TestE2ENoCheckLeftInProgress: golive reports every check run completed
// with a conclusion (it never creates one in progress), so a restart can
// never leave one behind: across a release's life, a merge group, a
// non-release PR and a restart, every golive/readiness check run in the
// fake is completed.
func TestE2ENoCheckLeftInProgress(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("issue_comment", h.comment(t, "rita", "/hold wait", true))
	h.send("merge_group", h.mergeGroup(t, prNum))
	h.settle()
	h.nodes[0].stop()
	h.nodes[0].stop = nil
	h.start(worker.Options{})
	h.nodes = h.nodes[1:]
	h.send("issue_comment", h.comment(t, "rita", "/unhold", true))
	h.send("pull_request", h.openPR(t, "synchronize", func(m map[string]any) { set(m, "pull_request.head.sha", headB) }))
	h.settle()
	all := h.readiness("")
	if len(all) < 3 {
		t.Fatalf("only %d check runs", len(all))
	}
	for _, c := range all {
		if c.Status != "completed" || c.Conclusion == "" {
			t.Errorf("check run %d on %s left %s (conclusion %q)", c.ID, c.HeadSHA, c.Status, c.Conclusion)
		}
	}
}

func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	c.Write(&m)
	return m.GetCounter().GetValue()
}
