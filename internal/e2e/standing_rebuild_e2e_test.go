package e2e

import (
	"testing"

	"github.com/ag06mixer/golive/internal/receipt"
)

// TestE2ESignoffStandingSurvivesRedisLoss: sam signs off, Redis is lost
// (FLUSHALL) and the release is rebuilt from its tracking issue; at the
// merge, the receipt's sign-off still names what golive checked of sam
// when it accepted the sign-off (permission, teams, when) — carried in the
// signed ledger, not looked up again.
func TestE2ESignoffStandingSurvivesRedisLoss(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.settle()
	flushRedis(t, h)
	reconcileAll(t, h)
	h.settle()
	h.send("pull_request", h.mergeNow(t))
	h.settle()
	rc := h.receiptComments(t)
	if len(rc) != 1 {
		t.Fatalf("%d receipt comments, want 1", len(rc))
	}
	_, pub := h.publicKey(t)
	ss, err := receipt.FromText(rc[0].Body)
	if err != nil {
		t.Fatal(err)
	}
	r, err := receipt.Verify(ss[0], pub)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, so := range r.Signoffs {
		if so.By != "sam" {
			continue
		}
		found = true
		if so.Checked == nil || so.Checked.Permission != "write" || len(so.Checked.Teams) == 0 || so.Checked.At == "" {
			t.Errorf("sam's sign-off after the rebuild has no checked standing: %+v", so.Checked)
		}
	}
	if !found {
		t.Fatalf("no sign-off by sam in the merge receipt: %+v", r.Signoffs)
	}
}
