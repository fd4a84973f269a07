package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
)

// freezeConfig is a small repo config (one hand-ticked item) with a
// dated freeze around now that only the business role may lift.
func freezeConfig(now time.Time) string {
	return fmt.Sprintf(`version: 1
inherit: false
release: {head_branches: ["release/*"]}
roles:
  - {id: business, title: Business Owner, teams: [ag06mixer/business-owners]}
defaults: {tick_by: ["@write"]}
environments:
  production: {}
freezes:
  - id: peak
    reason: Black Friday peak traffic
    start: %s
    end: %s
    waive_by: [business]
sections:
  - id: s
    title: S
    groups:
      - id: g
        title: G
        items:
          - {id: smoke-tested, title: Smoke tested}
`, now.Add(-time.Hour).UTC().Format(time.RFC3339), now.Add(24*time.Hour).UTC().Format(time.RFC3339))
}

// TestE2EFreezeBlocksAndWaiverLifts: a release whose every item is done
// is still not ready during a freeze: the readiness check, the merge
// queue's check and the production deployment gate all refuse, naming
// the freeze. An admin may not lift it (the freeze names the business
// role); the Business Owner's `/waive freeze` does, for this release, and
// the waiver survives a Redis loss because it is in the signed ledger.
func TestE2EFreezeBlocksAndWaiverLifts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	signers(h)
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		repos[testRepo].Files[".github/golive.yml"] = freezeConfig(time.Now())
	})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	h.send("issue_comment", h.comment(t, "rita", "/check smoke-tested", true))
	h.settle()
	cr := h.readiness(headA)
	if len(cr) != 1 || cr[0].Conclusion != "failure" || cr[0].Title() != "Frozen: Black Friday peak traffic" || !strings.Contains(cr[0].Summary(), "/waive freeze REASON") {
		t.Fatalf("readiness during the freeze: %+v", cr)
	}
	if body := h.issue(t).Body; !strings.Contains(body, "> Frozen: change freeze `peak`: Black Friday peak traffic (until ") {
		t.Errorf("the tracking issue does not show the freeze:\n%s", body)
	}
	h.send("merge_group", h.mergeGroup(t, prNum))
	h.send("deployment_protection_rule", h.deployGate(t, "production", headA))
	h.settle()
	if g := h.readiness(groupHead); len(g) != 1 || g[0].Conclusion != "failure" || !strings.Contains(g[0].Title(), "Frozen") {
		t.Fatalf("merge queue during the freeze: %+v", g)
	}
	if rs := h.gateReviews(); len(rs) != 1 || rs[0].State != "rejected" || !strings.Contains(rs[0].Comment, "change freeze `peak`: Black Friday peak traffic") {
		t.Fatalf("deploy gate during the freeze: %+v", rs)
	}

	h.send("issue_comment", h.comment(t, "adam", "/waive freeze we need it out", true))
	h.settle()
	if r := h.replies(prNum); len(r) != 1 || !strings.Contains(r[0], "only Business Owner may waive the freeze `peak`") {
		t.Fatalf("an admin's waiver: replies %q", r)
	}
	if cr := h.readiness(headA); cr[len(cr)-1].Conclusion != "failure" {
		t.Fatalf("an admin lifted the freeze: %+v", cr)
	}

	h.send("issue_comment", h.comment(t, "bob", "/waive freeze payment fix, agreed with on-call", true))
	h.settle()
	if cr := h.readiness(headA); cr[len(cr)-1].Conclusion != "success" {
		t.Fatalf("after the Business Owner's waiver: %+v", cr[len(cr)-1])
	}
	if body := h.issue(t).Body; !strings.Contains(body, "is lifted for this release by bob: payment fix, agreed with on-call") {
		t.Errorf("the tracking issue does not show the waiver:\n%s", body)
	}
	h.send("merge_group", h.mergeGroup(t, prNum))
	h.send("deployment_protection_rule", h.deployGate(t, "production", headA))
	h.settle()
	if g := h.readiness(groupHead); g[len(g)-1].Conclusion != "success" {
		t.Errorf("merge queue after the waiver: %+v", g[len(g)-1])
	}
	if rs := h.gateReviews(); len(rs) != 2 || rs[1].State != "approved" {
		t.Errorf("deploy gate after the waiver: %+v", rs)
	}

	// Redis lost: the rebuild reads the waiver back from the ledger.
	flushRedis(t, h)
	reconcileAll(t, h)
	h.settle()
	if cr := h.readiness(headA); cr[len(cr)-1].Conclusion != "success" {
		t.Fatalf("after a rebuild from GitHub the freeze blocks again: %+v", cr[len(cr)-1])
	}
}
