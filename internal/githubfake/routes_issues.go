package githubfake

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
)

// routeIssues registers the routes of issues, their comments and reactions (pull requests are issues too).
func (f *Fake) routeIssues(mux *http.ServeMux) {
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		label, state := r.URL.Query().Get("labels"), r.URL.Query().Get("state")
		if state == "" {
			state = "open"
		}
		out := []map[string]any{}
		for _, is := range rp.Issues {
			if (label == "" || contains(is.Labels, label)) && (state == "all" || state == is.State) {
				out = append(out, issueJSON(rp, is))
			}
		}
		if r.URL.Query().Get("direction") == "desc" {
			slices.Reverse(out) // issues are kept oldest first
		}
		writeJSON(w, 200, out)
	}))
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		var in struct {
			Title  string   `json:"title"`
			Body   string   `json:"body"`
			Labels []string `json:"labels"`
		}
		json.Unmarshal(f.body, &in)
		is := &Issue{Number: rp.nextIssueNumber(), Title: in.Title, Body: in.Body, State: "open", Labels: in.Labels, Author: BotLogin,
			History: []Edit{{Editor: BotLogin, Bot: true, At: f.Now(), Body: in.Body}}} // the body as created is its first revision
		rp.Issues = append(rp.Issues, is)
		// GitHub answers a create with the new issue's address in Location.
		w.Header().Set("Location", f.location(rp, "issues", int64(is.Number)))
		writeJSON(w, 201, issueJSON(rp, is))
	}))
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{n}", f.withIssue(func(w http.ResponseWriter, r *http.Request, rp *Repo, is *Issue) {
		writeJSON(w, 200, issueJSON(rp, is))
	}))
	mux.HandleFunc("PATCH /repos/{owner}/{repo}/issues/{n}", f.withIssue(func(w http.ResponseWriter, r *http.Request, rp *Repo, is *Issue) {
		var in map[string]any
		json.Unmarshal(f.body, &in)
		if v, ok := in["body"].(string); ok && v != is.Body {
			is.revise(BotLogin, true, f.Now(), v) // the App's token edits as the App
		}
		if v, ok := in["title"].(string); ok {
			is.Title = v
		}
		if v, ok := in["state"].(string); ok {
			is.State = v
		}
		if v, ok := in["state_reason"].(string); ok {
			is.StateReason = v
		}
		is.Edits++
		writeJSON(w, 200, issueJSON(rp, is))
	}))
	// Pull requests are issues too: their comments need no Issue entry.
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{n}/comments", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		all := []map[string]any{}
		for _, c := range rp.Comments {
			if c.Issue == n {
				all = append(all, commentJSON(c))
			}
		}
		from, to := f.page(w, r, len(all))
		writeJSON(w, 200, all[from:to])
	}))
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues/{n}/comments", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if st, ok := rp.Deleted[n]; ok {
			writeJSON(w, st, map[string]string{"message": "This issue was deleted"})
			return
		}
		var in struct {
			Body string `json:"body"`
		}
		json.Unmarshal(f.body, &in)
		f.nextID++
		c := &Comment{ID: f.nextID, Issue: n, Body: in.Body, Author: "golive[bot]"}
		rp.Comments = append(rp.Comments, c)
		writeJSON(w, 201, commentJSON(c))
	}))
	mux.HandleFunc("PATCH /repos/{owner}/{repo}/issues/comments/{id}", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		for _, c := range rp.Comments {
			if c.ID == id {
				var in struct {
					Body string `json:"body"`
				}
				json.Unmarshal(f.body, &in)
				c.Body = in.Body
				c.Edits++
				writeJSON(w, 200, commentJSON(c))
				return
			}
		}
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
	}))
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues/comments/{id}/reactions", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		var in struct {
			Content string `json:"content"`
		}
		json.Unmarshal(f.body, &in)
		rp.Reactions = append(rp.Reactions, Reaction{CommentID: id, Content: in.Content})
		f.nextID++
		writeJSON(w, 201, map[string]any{"id": f.nextID, "content": in.Content})
	}))
}
