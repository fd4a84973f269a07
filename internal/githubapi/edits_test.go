package githubapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
)

// TestIssueEdits: the edit history comes back through POST /graphql with
// each revision's editor (a bot told from a person), time and body; the
// fake checks the query's shape and records any other as a violation.
func TestIssueEdits(t *testing.T) {
	f := newFake(t)
	f.AddRepo("o", "r")
	in := clocked(t, f, &fakeClock{now: time.Now()})
	ctx := context.Background()
	n, err := in.CreateIssue(ctx, "o", "r", "t", "- [ ] box")
	if err != nil {
		t.Fatal(err)
	}
	if err := in.EditIssueBody(ctx, "o", "r", n, "- [ ] box, rendered again"); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 2, 6, 30, 0, 0, time.UTC)
	f.Do(func(repos map[string]*githubfake.Repo) {
		repos["o/r"].EditIssueBody(n, "rita", at, "- [x] box, rendered again")
	})
	edits, err := in.IssueEdits(ctx, "o", "r", n)
	if err != nil {
		t.Fatal(err)
	}
	if len(edits) != 3 {
		t.Fatalf("got %d revisions, want 3: %+v", len(edits), edits)
	}
	newest := edits[0]
	if newest.Editor != "rita" || newest.Bot || !newest.At.Equal(at) || newest.Body != "- [x] box, rendered again" {
		t.Errorf("newest revision = %+v, want rita's tick at %v", newest, at)
	}
	if !edits[1].Bot || edits[1].Editor != githubfake.BotLogin {
		t.Errorf("golive's own edit = %+v, want the bot", edits[1])
	}
	if got := f.Counts()["POST /graphql"]; got != 1 {
		t.Errorf("POST /graphql sent %d times, want 1", got)
	}
	if _, err := in.IssueEdits(ctx, "o", "r", 99999); err == nil {
		t.Error("the history of a missing issue read without error")
	}
	f.Inject(&githubfake.Fault{Match: "POST /graphql", Status: 502})
	if _, err := in.IssueEdits(ctx, "o", "r", n); err == nil {
		t.Error("a 502 from GraphQL read as a history")
	}
}

// TestFakeGraphQLStrict: a query of another shape is refused the way
// GitHub refuses one (200 with errors) and recorded as a violation.
func TestFakeGraphQLStrict(t *testing.T) {
	f := githubfake.New(nil)
	defer f.Close()
	for _, body := range []string{
		`{"query":"query { viewer { login } }","variables":{}}`,
		`{"query":"query($owner: String!, $repo: String!, $number: Int!) { repository(owner: $owner, name: $repo) { issue(number: $number) { userContentEdits(last: 100) { nodes { editedAt diff editor { __typename login } } } } } }","variables":{"owner":"o","repo":"r","number":"1"}}`,
		`{"query":"x","variables":{},"extra":1}`,
	} {
		resp, err := http.Post(f.URL()+"graphql", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("status %d, want GitHub's 200 with errors", resp.StatusCode)
		}
	}
	if got := len(f.Violations()); got != 3 {
		t.Errorf("got %d violations, want 3: %q", got, f.Violations())
	}
}
