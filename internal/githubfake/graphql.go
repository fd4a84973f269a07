package githubfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// GraphQL: GitHub's REST OpenAPI description does not cover POST
// /graphql, so the fake checks the one query golive sends itself, and
// strictly: the query text must be exactly this one (whitespace aside),
// and the variables exactly owner (string), repo (string) and number
// (integer). Anything else is recorded as a violation, as a REST request
// GitHub does not define is, and answered the way GitHub answers a query
// it refuses: 200 with "errors".
//
// It serves, per issue, the edit history as GitHub's userContentEdits
// does: one node per revision with editedAt, diff (the revision's full
// body) and editor {__typename login}, newest first; the original body
// becomes the first revision once the issue is edited.
const issueEditsQuery = `query($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    issue(number: $number) {
      userContentEdits(last: 100) {
        nodes { editedAt diff editor { __typename login } }
      }
    }
  }
}`

// Edit is one revision of an issue body.
type Edit struct {
	Editor string
	Bot    bool
	At     time.Time
	Body   string
}

// revise records a new body for the issue in its edit history.
func (is *Issue) revise(editor string, bot bool, at time.Time, body string) {
	if len(is.History) == 0 {
		is.History = append(is.History, Edit{Editor: is.Author, Bot: strings.HasSuffix(is.Author, "[bot]"), At: at, Body: is.Body})
	}
	is.Body = body
	is.History = append(is.History, Edit{Editor: editor, Bot: bot, At: at, Body: body})
}

// EditIssueBody sets issue n's body as login would in the web page,
// recorded in its edit history (no webhook is sent: the test sends one,
// or not).
func (rp *Repo) EditIssueBody(n int, login string, at time.Time, body string) {
	for _, is := range rp.Issues {
		if is.Number == n {
			is.revise(login, strings.HasSuffix(login, "[bot]"), at, body)
			return
		}
	}
}

func compactSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func (f *Fake) serveGraphQL(w http.ResponseWriter, r *http.Request, body []byte) {
	f.mu.Lock()
	f.counts["POST /graphql"]++
	f.mu.Unlock()
	var in struct {
		Query     string                     `json:"query"`
		Variables map[string]json.RawMessage `json:"variables"`
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	why := ""
	var owner, repo string
	var number int
	switch err := dec.Decode(&in); {
	case err != nil:
		why = "request body: " + err.Error()
	case compactSpace(in.Query) != compactSpace(issueEditsQuery):
		why = "query is not the issue edit history query the fake knows: " + compactSpace(in.Query)
	case len(in.Variables) != 3:
		why = fmt.Sprintf("want variables owner, repo, number; got %d", len(in.Variables))
	case json.Unmarshal(in.Variables["owner"], &owner) != nil || owner == "":
		why = "variable owner must be a non-empty String"
	case json.Unmarshal(in.Variables["repo"], &repo) != nil || repo == "":
		why = "variable repo must be a non-empty String"
	case json.Unmarshal(in.Variables["number"], &number) != nil || number <= 0:
		why = "variable number must be a positive Int"
	}
	if why != "" {
		f.mu.Lock()
		f.violations = append(f.violations, "POST /graphql: "+why)
		f.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"errors": []map[string]string{{"message": why}}})
		return
	}
	f.mu.Lock()
	var hit *Fault
	for _, ft := range f.faults {
		if (ft.Times == 0 || ft.hits < ft.Times) && (ft.Match == "" || strings.HasPrefix("POST /graphql", ft.Match)) && ft.Status != 0 {
			ft.hits++
			hit = ft
			break
		}
	}
	var nodes []map[string]any
	found := false
	if rp := f.repos[owner+"/"+repo]; rp != nil {
		for _, is := range rp.Issues {
			if is.Number != number {
				continue
			}
			found = true
			for i := len(is.History) - 1; i >= 0; i-- {
				e := is.History[i]
				typename := "User"
				if e.Bot {
					typename = "Bot"
				}
				nodes = append(nodes, map[string]any{"editedAt": e.At.UTC().Format(time.RFC3339), "diff": e.Body,
					"editor": map[string]any{"__typename": typename, "login": e.Editor}})
			}
		}
	}
	f.log = append(f.log, Request{Method: "POST", Route: "/graphql", Path: r.URL.Path, Status: 200, At: time.Now(), Start: time.Now()})
	f.mu.Unlock()
	if hit != nil {
		writeJSON(w, hit.Status, map[string]string{"message": "fault injected"})
		return
	}
	if !found {
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"repository": nil},
			"errors": []map[string]any{{"type": "NOT_FOUND", "message": fmt.Sprintf("Could not resolve to an Issue with the number of %d.", number)}}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"repository": map[string]any{"issue": map[string]any{
		"userContentEdits": map[string]any{"nodes": nodes}}}}})
}
