package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/worker"
)

const pinnedItem = "sql-injection-prevention-verified"

// statusBy is a real status event for sha, posted by sender.
func (h *harness) statusBy(t testing.TB, context, sha, state, sender string) []byte {
	s := h.fake.AddStatusBy(testRepo, sha, context, state, sender)
	return payload(t, "status/payload.json", func(m map[string]any) {
		set(m, "id", time.Now().UnixNano()%1e9)
		set(m, "sha", sha)
		set(m, "context", context)
		set(m, "state", state)
		set(m, "sender.login", sender)
		set(m, "updated_at", s.At.UTC().Format(time.RFC3339))
	})
}

// TestE2EStatusFromUnpinnedCreatorIgnored: a workflow on the release
// branch posts a green `sast` status as another user; the item pinned to
// the scanner's login stays unticked and says who posted it. The
// scanner's own status ticks it, and a rebuild from GitHub (Redis lost)
// keeps telling them apart.
func TestE2EStatusFromUnpinnedCreatorIgnored(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{replicas: -1})
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		repos[testRepo].Files[".github/golive.yml"] = fmt.Sprintf("version: 1\noverride:\n  %s:\n    evidence: {check: {name: \"sast*\", creator: \"scanner-bot[bot]\"}}\n", pinnedItem)
	})
	h.start(worker.Options{})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	h.send("status", h.statusBy(t, "sast", headA, "success", "mallory"))
	h.settle()
	body := h.issue(t).Body
	if ticked(t, body, pinnedItem) {
		t.Fatalf("a green status from mallory ticked the pinned item:\n%s", itemLine(body, pinnedItem))
	}
	if !strings.Contains(itemLine(body, pinnedItem), "ignored: status") || !strings.Contains(itemLine(body, pinnedItem), "mallory") {
		t.Errorf("the item does not say the status was ignored: %s", itemLine(body, pinnedItem))
	}
	// Redis lost: the rebuild reads the statuses from GitHub, with their
	// creators, and still ignores mallory's.
	flushRedis(t, h)
	reconcileAll(t, h)
	h.settle()
	if body := h.issue(t).Body; ticked(t, body, pinnedItem) || !strings.Contains(itemLine(body, pinnedItem), "posted by mallory") {
		t.Fatalf("after a rebuild from GitHub: %s", itemLine(body, pinnedItem))
	}
	h.send("status", h.statusBy(t, "sast-deep", headA, "success", "scanner-bot[bot]"))
	h.settle()
	// sast (mallory) still matches sast*; a pinned item counts only the
	// results from its sources, so the scanner's green one ticks it.
	if body := h.issue(t).Body; !ticked(t, body, pinnedItem) {
		t.Fatalf("the pinned creator's status did not tick the item: %s", itemLine(body, pinnedItem))
	}
}
