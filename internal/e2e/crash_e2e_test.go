package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/worker"
)

// TestE2ECrashAfterCreate: GitHub created the tracking issue but golive
// never got the answer (a 502 after the create, a timeout, a worker
// killed before it saved the number), as really happens: golive had
// saved that it began a create (release.State.IssueCreating) before
// asking, and the PR has no golive comment yet. The retry finds the
// issue by its marker in the bounded list and makes no second one.
func TestE2ECrashAfterCreate(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{opts: worker.Options{RetryBase: 50 * time.Millisecond}})
	const create = "POST /repos/{owner}/{repo}/issues"
	h.fake.Inject(&githubfake.Fault{Match: create, Status: 502})
	h.send("pull_request", h.openPR(t, "opened", nil))
	deadline := time.Now().Add(20 * time.Second)
	for h.fake.Count(create) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("golive did not try to create the tracking issue within 20s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	raw, err := h.nodes[0].sys.Store().LoadState(context.Background(), "Codertocat/Hello-World#2")
	if err != nil || !strings.Contains(string(raw), `"issue_creating":true`) {
		t.Fatalf("the record before the create does not say a create began (%v): %.300s", err, raw)
	}
	// The create went through on GitHub; its answer was lost.
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		r := repos[testRepo]
		r.Issues = append(r.Issues, &githubfake.Issue{Number: 77, Title: "Release readiness", Body: "<!-- golive:release Codertocat/Hello-World#2 -->\n(left by a crashed worker)", State: "open", Labels: []string{release.IssueLabel}, Author: githubfake.BotLogin})
	})
	h.fake.ClearFaults()
	h.settle()
	if n := len(h.issues()); n != 1 {
		t.Fatalf("got %d tracking issues, want 1", n)
	}
	is := h.issue(t)
	if is.Number != 77 || strings.Contains(is.Body, "crashed") {
		t.Errorf("issue #%d, body %q…: want #77 rewritten", is.Number, is.Body[:80])
	}
}
