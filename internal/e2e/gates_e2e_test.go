package e2e

import (
	"strings"
	"sync/atomic"

	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/worker"
)

// TestE2EMergeGroup: the queue's group head gets golive's verdict of the
// release PR in it; a group without one passes.
func TestE2EMergeGroup(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("merge_group", h.mergeGroup(t, prNum))
	h.settle()
	cr := h.readiness(groupHead)
	if len(cr) != 1 || cr[0].Conclusion != "failure" || !strings.HasPrefix(cr[0].Title(), "Merge queue: Blocked") {
		t.Fatalf("group check %+v", cr)
	}
	h2 := newHarness(t, harnessOpts{})
	// GitHub knows PR 99, and it is not a release PR.
	h2.fake.AddPull(testRepo, &githubfake.Pull{Number: 99, Title: "Fix a typo", Author: "rita", HeadRef: "typo", BaseRef: "main", HeadSHA: headB})
	h2.send("merge_group", h2.mergeGroup(t, 99))
	h2.settle()
	if cr := h2.readiness(groupHead); len(cr) != 1 || cr[0].Conclusion != "success" {
		t.Fatalf("a group with no release PR: %+v", cr)
	}
}

// TestE2EDeploymentGate: a deployment of a release that is not ready is
// rejected with what is missing; an environment the config does not gate
// is approved; a commit no release tracks may not reach production.
func TestE2EDeploymentGate(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("deployment_protection_rule", h.deployGate(t, "staging", headA))
	h.send("deployment_protection_rule", h.deployGate(t, "preview", headA))
	h.send("deployment_protection_rule", h.deployGate(t, "production", "feedfacefeedfacefeedfacefeedfacefeedface"))
	h.settle()
	unknown := h.gateReviews()
	// A production deploy of the blocked release names what is missing;
	// a duplicate delivery of the request gets no second review.
	blocked := h.deployGate(t, "production", headA)
	for range 2 {
		if code := h.post(0, "deployment_protection_rule", blocked, "gate-dup"); code != 202 && code != 200 {
			t.Fatalf("POST: %d", code)
		}
	}
	h.settle()
	all := h.gateReviews()
	if len(all) != len(unknown)+1 {
		t.Fatalf("%d reviews for one request delivered twice", len(all)-len(unknown))
	}
	if last := all[len(all)-1]; last.State != "rejected" || !strings.Contains(last.Comment, "Not ready for production") || !strings.Contains(last.Comment, "items missing") || !strings.Contains(last.Comment, "- AWS account with appropriate billing setup") {
		t.Errorf("production of a blocked release: %+v", last)
	}
	got := map[string]string{}
	for _, r := range unknown {
		if r.RunID != 777 {
			t.Errorf("reviewed run %d, want 777", r.RunID)
		}
		got[r.Environment] = r.State + ": " + r.Comment
	}
	if s := got["staging"]; !strings.HasPrefix(s, "rejected: Not ready for staging") || !strings.Contains(s, "/issues/") {
		t.Errorf("staging: %q", s)
	}
	if s := got["preview"]; !strings.HasPrefix(s, "approved") {
		t.Errorf("preview: %q", s)
	}
	if s := got["production"]; !strings.HasPrefix(s, "rejected: No golive release tracks") {
		t.Errorf("production of an unknown commit: %q", s)
	}
}

// TestE2EMergeGroupWaiverExpired: a release that was ready when its check
// ran fails in the merge queue once a waiver it relied on has expired.
func TestE2EMergeGroupWaiverExpired(t *testing.T) {
	t.Parallel()
	// golive's wall clock, which the test moves on instead of sleeping
	// until the waivers expire (its windows run on the monotonic clock).
	var ahead atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	h := newHarness(t, harnessOpts{opts: worker.Options{Clock: clock}})
	signers(h)
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
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
	// Last, the waivers: one minute long, from a comment made 52 s ago.
	short := strings.ReplaceAll(plan.Waivers, " 7d ", " 1m ")
	h.send("issue_comment", h.commentAt(t, "adam", short, false, time.Now().Add(-52*time.Second)))
	h.send("issue_comment", h.commentAt(t, "sam", strings.ReplaceAll(plan.SecWaivers, " 7d ", " 1m "), false, time.Now().Add(-52*time.Second)))
	h.settle()
	if cr := h.readiness(headA)[0]; cr.Conclusion != "success" {
		t.Fatalf("the release was not ready: %s %q", cr.Conclusion, cr.Title())
	}
	ahead.Store(int64(10 * time.Second)) // the waivers expire
	h.send("merge_group", h.mergeGroup(t, prNum))
	h.settle()
	g := h.readiness(groupHead)
	if len(g) != 1 || g[0].Conclusion != "failure" || !strings.Contains(g[0].Summary(), "Load balancer health checks passing") {
		t.Fatalf("group check after the waivers expired: %+v", g)
	}
}
