package e2e

import (
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/githubfake"
)

// TestE2EAuthorAdminCannotWaiveSignoffs: the PR author, with admin rights,
// /waives the five approval items; none is ticked, each is refused, and
// the check stays not-success.
func TestE2EAuthorAdminCannotWaiveSignoffs(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.fake.Do(func(repos map[string]*githubfake.Repo) { repos[testRepo].Perms["Codertocat"] = "admin" })
	ids := []string{"technical-lead-approval", "security-team-approval", "business-stakeholder-approval", "operations-team-readiness-confirmed", "go-live-date-and-time"}
	var body []string
	for _, id := range ids {
		body = append(body, "/waive "+id+" shipping today")
	}
	h.send("issue_comment", h.comment(t, "Codertocat", strings.Join(body, "\n"), true))
	h.settle()
	is := h.issue(t)
	for _, id := range ids {
		if ticked(t, is.Body, id) {
			t.Errorf("%s ticked by the author's waiver", id)
		}
	}
	if r := h.replies(prNum); len(r) != 1 || strings.Count(r[0], "can never be waived") != len(ids) {
		t.Errorf("replies %q", r)
	}
	if cr := h.readiness(headA)[0]; cr.Conclusion == "success" {
		t.Error("the check is success")
	}
}
