package cli

import (
	"strings"
	"testing"
)

// TestE2EMergeGroup: the queue's group head gets golive's verdict of the
// release PR in it; a group without one passes.
func TestE2EMergeGroup(t *testing.T) {
	h := openRelease(t)
	h.send("merge_group", h.mergeGroup(t, prNum))
	h.settle()
	cr := h.readiness(groupHead)
	if len(cr) != 1 || cr[0].Conclusion != "failure" || !strings.HasPrefix(cr[0].Title(), "Merge queue: Blocked") {
		t.Fatalf("group check %+v", cr)
	}
	h2 := newHarness(t, harnessOpts{})
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
	h := openRelease(t)
	h.send("deployment_protection_rule", h.deployGate(t, "staging", headA))
	h.send("deployment_protection_rule", h.deployGate(t, "preview", headA))
	h.send("deployment_protection_rule", h.deployGate(t, "production", "feedfacefeedfacefeedfacefeedfacefeedface"))
	h.settle()
	got := map[string]string{}
	for _, r := range h.gateReviews() {
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
