package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/worker"
)

// TestE2EScopedInvalidation: the business sign-off resets only when a
// push touches migrations/**, read from GitHub's compare of the old head
// with the new; a push elsewhere keeps it, and a compare GitHub cannot
// answer voids it (fail closed).
func TestE2EScopedInvalidation(t *testing.T) {
	t.Parallel()
	const headC = "2222222222222222222222222222222222222222"
	const headD = "3333333333333333333333333333333333333333"
	h := newHarness(t, harnessOpts{replicas: -1})
	signers(h)
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		r := repos[testRepo]
		r.Files[".github/golive.yml"] = "version: 1\nroles:\n  - id: business\n    invalidate_on: [\"migrations/**\"]\n"
		r.Compares = map[string][]string{
			headA + "..." + headB: {"src/app.go", "docs/migrations.md"},
			headB + "..." + headC: append(make([]string, 0, 150), "src/app.go"),
		}
		// 150 files over two pages; the one under migrations/ is on the second.
		for i := 0; i < 148; i++ {
			r.Compares[headB+"..."+headC] = append(r.Compares[headB+"..."+headC], fmt.Sprintf("src/gen/file%03d.go", i))
		}
		r.Compares[headB+"..."+headC] = append(r.Compares[headB+"..."+headC], "migrations/007_orders.sql")
	})
	h.start(worker.Options{})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	push := func(sha string) string {
		h.fake.Do(func(repos map[string]*githubfake.Repo) { repos[testRepo].Pulls[prNum].HeadSHA = sha })
		h.send("pull_request", h.openPR(t, "synchronize", func(m map[string]any) { set(m, "pull_request.head.sha", sha) }))
		h.settle()
		return h.issue(t).Body
	}
	approve := func() {
		h.send("issue_comment", h.comment(t, "bob", "/approve business", true))
		h.settle()
	}
	approve()
	if !ticked(t, h.issue(t).Body, "business-stakeholder-approval") {
		t.Fatal("setup: no business sign-off")
	}
	if body := push(headB); !ticked(t, body, "business-stakeholder-approval") {
		t.Fatalf("a push outside migrations/** voided the business sign-off:\n%s", body)
	}
	body := push(headC)
	if ticked(t, body, "business-stakeholder-approval") {
		t.Fatal("a push touching migrations/ (on the compare's second page) kept the business sign-off")
	}
	if !strings.Contains(body, "touched migrations/007\\_orders.sql") && !strings.Contains(body, "touched migrations/007_orders.sql") {
		t.Errorf("the voiding reason does not name the file:\n%s", body)
	}
	approve()
	// headC...headD is not in the fake: GitHub answers 404.
	body = push(headD)
	if ticked(t, body, "business-stakeholder-approval") || !strings.Contains(body, "could not be read") {
		t.Errorf("an unreadable compare kept the business sign-off or did not say why:\n%s", body)
	}
}
