package e2e

import (
	"testing"

	"github.com/ag06mixer/golive/internal/githubfake"
)

// TestE2ENoSuccessOnAReleaseHead: golive/readiness is one check per
// commit, and GitHub's required check reads the newest. A PR that is not
// a release, opened with a release's head commit (a fork can push it),
// must not get a "Not a release PR" success on that commit: it would
// stand over the release's blocked verdict. It gets no check at all; the
// release's stays the newest. Also after Redis lost the commit index:
// GitHub's list of the commit's PRs says it is a release's head.
func TestE2ENoSuccessOnAReleaseHead(t *testing.T) {
	t.Parallel()
	for _, lose := range []bool{false, true} {
		name := "indexed"
		if lose {
			name = "after a Redis loss"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := openRelease(t)
			before := h.readiness(headA)
			if len(before) == 0 || before[len(before)-1].Conclusion == "success" {
				t.Fatalf("setup: the release's check on its head: %+v", before)
			}
			if lose {
				flushRedis(t, h)
			}
			const n = 9
			h.fake.AddPull(testRepo, &githubfake.Pull{Number: n, Title: "Add a feature", Author: "mallory", HeadRef: "feature/x", BaseRef: "master", HeadSHA: headA})
			h.send("pull_request", payload(t, "pull_request/opened.json", func(m map[string]any) {
				set(m, "pull_request.number", n)
				set(m, "number", n)
				set(m, "pull_request.head.ref", "feature/x")
				set(m, "pull_request.head.sha", headA)
				set(m, "pull_request.title", "Add a feature")
				set(m, "pull_request.labels", []any{})
			}))
			h.settle()
			for _, c := range h.readiness(headA) {
				if c.Conclusion == "success" {
					t.Fatalf("a PR that is not a release got %q (%s) on the release's head", c.Title(), c.Conclusion)
				}
			}
		})
	}
}
