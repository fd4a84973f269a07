package githubapi

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// IssueEditsQuery is the GraphQL query golive sends for an issue's edit
// history. The REST API has no edit history; GraphQL's userContentEdits
// does: per revision the editor (an Actor: a User or a Bot), when it was
// edited, and the body it left ("diff", which despite its name holds the
// revision's full text). GitHub keeps the most recent edits; golive asks
// for the last 100.
const IssueEditsQuery = `query($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    issue(number: $number) {
      userContentEdits(last: 100) {
        nodes { editedAt diff editor { __typename login } }
      }
    }
  }
}`

// IssueEdits reads the edit history of issue n with one POST /graphql.
func (in *Installation) IssueEdits(ctx context.Context, owner, repo string, n int) ([]release.BodyEdit, error) {
	body := map[string]any{"query": IssueEditsQuery, "variables": map[string]any{"owner": owner, "repo": repo, "number": n}}
	req, err := in.c.NewRequest("POST", graphQLURL(in.c.BaseURL.String()), body)
	if err != nil {
		return nil, fmt.Errorf("edit history of %s/%s#%d: %w", owner, repo, n, err)
	}
	var out struct {
		Data struct {
			Repository *struct {
				Issue *struct {
					UserContentEdits struct {
						Nodes []struct {
							EditedAt time.Time `json:"editedAt"`
							Diff     *string   `json:"diff"`
							Editor   *struct {
								Typename string `json:"__typename"`
								Login    string `json:"login"`
							} `json:"editor"`
						} `json:"nodes"`
					} `json:"userContentEdits"`
				} `json:"issue"`
			} `json:"repository"`
		} `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if _, err := in.c.Do(ctx, req, &out); err != nil {
		return nil, fmt.Errorf("edit history of %s/%s#%d: %w", owner, repo, n, err)
	}
	// GraphQL answers 200 with "errors" for a query it refuses.
	if len(out.Errors) > 0 {
		return nil, fmt.Errorf("edit history of %s/%s#%d: GitHub GraphQL: %s", owner, repo, n, out.Errors[0].Message)
	}
	if out.Data.Repository == nil || out.Data.Repository.Issue == nil {
		return nil, fmt.Errorf("edit history of %s/%s#%d: %w", owner, repo, n, ErrNotFound)
	}
	var edits []release.BodyEdit
	for _, e := range out.Data.Repository.Issue.UserContentEdits.Nodes {
		if e.Diff == nil || e.Editor == nil {
			continue // a deleted revision, or a deleted account: says nothing
		}
		edits = append(edits, release.BodyEdit{Editor: e.Editor.Login, Bot: e.Editor.Typename == "Bot", At: e.EditedAt, Body: *e.Diff})
	}
	return edits, nil
}

// graphQLURL is the GraphQL endpoint beside a REST root: api.github.com/
// → api.github.com/graphql; GitHub Enterprise Server's HOST/api/v3/ →
// HOST/api/graphql.
func graphQLURL(rest string) string {
	rest = strings.TrimSuffix(rest, "/") + "/"
	if base, ok := strings.CutSuffix(rest, "/api/v3/"); ok {
		return base + "/api/graphql"
	}
	return rest + "graphql"
}
