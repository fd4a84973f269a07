package githubfake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

func (f *Fake) route(w http.ResponseWriter, r *http.Request, route string, body []byte) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	f.mu.Lock()
	defer f.mu.Unlock()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /app", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			writeJSON(w, 401, map[string]string{"message": "A JSON web token could not be decoded"})
			return
		}
		writeJSON(w, 200, map[string]any{"id": 1, "slug": "golive", "name": "golive"})
	})
	mux.HandleFunc("POST /app/installations/{id}/access_tokens", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 201, map[string]any{"token": "ghs_fake" + r.PathValue("id"), "expires_at": f.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
	})
	mux.HandleFunc("POST /app-manifests/{code}/conversions", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 201, map[string]any{"id": 4242, "slug": "golive-test", "pem": "-----BEGIN RSA PRIVATE KEY-----\nfake\n-----END RSA PRIVATE KEY-----\n", "webhook_secret": "whsec-0123456789-" + r.PathValue("code"), "client_id": "Iv1.fake", "client_secret": "fake-secret"})
	})
	mux.HandleFunc("GET /repos/{owner}/{repo}", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		out := map[string]any{"id": 1, "name": rp.Name, "full_name": rp.Owner + "/" + rp.Name, "default_branch": rp.DefaultBranch, "owner": map[string]any{"login": rp.Owner}, "private": rp.Private}
		if login, ok := f.userOf(r); ok {
			// A user token sees a private repo only with access to it, and
			// GitHub answers 404, not 403, so as not to confirm it exists.
			perm, member := rp.Perms[login]
			if rp.Private && !member {
				writeJSON(w, 404, map[string]string{"message": "Not Found"})
				return
			}
			rank := map[string]int{"read": 1, "triage": 2, "write": 3, "maintain": 4, "admin": 5}[perm]
			if !rp.Private && rank == 0 {
				rank = 1
			}
			out["permissions"] = map[string]bool{"pull": rank >= 1, "triage": rank >= 2, "push": rank >= 3, "maintain": rank >= 4, "admin": rank >= 5}
		} else if _, user := userToken(r); user { // a user token the fake did not issue, or revoked
			writeJSON(w, 401, map[string]string{"message": "Bad credentials"})
			return
		}
		writeJSON(w, 200, out)
	}))
	mux.HandleFunc("GET /user", func(w http.ResponseWriter, r *http.Request) {
		login, ok := f.userOf(r)
		if !ok {
			writeJSON(w, 401, map[string]string{"message": "Bad credentials"})
			return
		}
		f.oauth.mu.Lock()
		id := f.oauth.ids[login]
		f.oauth.mu.Unlock()
		writeJSON(w, 200, map[string]any{"login": login, "id": id, "type": "User", "name": login})
	})
	mux.HandleFunc("GET /repos/{owner}/{repo}/contents/{path...}", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		ref := r.URL.Query().Get("ref")
		content, ok := rp.Files[r.PathValue("path")]
		at, known := rp.FilesAt[ref]
		if known {
			content, ok = at[r.PathValue("path")]
		}
		if !ok || (ref != "" && ref != rp.DefaultBranch && !known) {
			writeJSON(w, 404, map[string]string{"message": "Not Found"})
			return
		}
		writeJSON(w, 200, map[string]any{"type": "file", "encoding": "base64", "name": r.PathValue("path"), "path": r.PathValue("path"), "content": base64.StdEncoding.EncodeToString([]byte(content)), "sha": fmt.Sprintf("%x", len(content))})
	}))
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
		json.Unmarshal(body, &in)
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
		json.Unmarshal(body, &in)
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
		out := []map[string]any{}
		for _, c := range rp.Comments {
			if c.Issue == n {
				out = append(out, commentJSON(c))
			}
		}
		writeJSON(w, 200, out)
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
		json.Unmarshal(body, &in)
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
				json.Unmarshal(body, &in)
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
		json.Unmarshal(body, &in)
		rp.Reactions = append(rp.Reactions, Reaction{CommentID: id, Content: in.Content})
		f.nextID++
		writeJSON(w, 201, map[string]any{"id": f.nextID, "content": in.Content})
	}))
	mux.HandleFunc("POST /repos/{owner}/{repo}/check-runs", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		var c CheckRun
		json.Unmarshal(body, &c)
		f.nextID++
		c.ID = f.nextID
		if c.Status == "" {
			c.Status = "queued"
		}
		rp.CheckRuns = append(rp.CheckRuns, &c)
		w.Header().Set("Location", f.location(rp, "check-runs", c.ID))
		writeJSON(w, 201, c)
	}))
	mux.HandleFunc("PATCH /repos/{owner}/{repo}/check-runs/{id}", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		for _, c := range rp.CheckRuns {
			if c.ID == id {
				var in CheckRun
				json.Unmarshal(body, &in)
				if in.Name != "" {
					c.Name = in.Name
				}
				if in.Status != "" {
					c.Status = in.Status
				}
				if in.Conclusion != "" {
					c.Conclusion = in.Conclusion
					c.Status = "completed"
				}
				if in.Output != nil {
					c.Output = in.Output
				}
				if in.DetailsURL != "" {
					c.DetailsURL = in.DetailsURL
				}
				c.Updates++
				writeJSON(w, 200, c)
				return
			}
		}
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
	}))
	mux.HandleFunc("GET /repos/{owner}/{repo}/compare/{basehead}", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		all, ok := rp.Compares[r.PathValue("basehead")]
		if !ok {
			writeJSON(w, 404, map[string]string{"message": "Not Found"})
			return
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		if page < 1 {
			page = 1
		}
		if per < 1 || per > 100 {
			per = 30
		}
		files := []map[string]any{}
		for i := (page - 1) * per; i < len(all) && i < page*per; i++ {
			files = append(files, map[string]any{"filename": all[i], "status": "modified"})
		}
		if page*per < len(all) {
			w.Header().Set("Link", fmt.Sprintf(`<%s%s?page=%d&per_page=%d>; rel="next"`, f.Server.URL, r.URL.Path, page+1, per))
		}
		writeJSON(w, 200, map[string]any{"status": "ahead", "files": files, "commits": []any{}, "total_commits": 1})
	}))
	mux.HandleFunc("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		out := []*CheckRun{}
		for _, c := range rp.CheckRuns {
			if c.HeadSHA == r.PathValue("ref") {
				out = append(out, c)
			}
		}
		writeJSON(w, 200, map[string]any{"total_count": len(out), "check_runs": out})
	}))
	mux.HandleFunc("GET /repos/{owner}/{repo}/commits/{ref}/status", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		latest := map[string]*Status{}
		for _, s := range rp.Statuses {
			if s.SHA == r.PathValue("ref") {
				latest[s.Context] = s
			}
		}
		out := []map[string]any{}
		for _, s := range latest {
			st := map[string]any{"context": s.Context, "state": s.State, "target_url": s.TargetURL, "updated_at": s.At.UTC().Format(time.RFC3339)}
			if s.Creator != "" {
				st["creator"] = map[string]any{"login": s.Creator}
			}
			out = append(out, st)
		}
		writeJSON(w, 200, map[string]any{"sha": r.PathValue("ref"), "state": "pending", "statuses": out, "total_count": len(out)})
	}))
	mux.HandleFunc("GET /repos/{owner}/{repo}/collaborators/{user}/permission", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		p, ok := rp.Perms[r.PathValue("user")]
		if !ok {
			p = "read"
		}
		legacy := p
		if p == "maintain" {
			legacy = "write"
		}
		if p == "triage" {
			legacy = "read"
		}
		writeJSON(w, 200, map[string]any{"permission": legacy, "role_name": p, "user": map[string]any{"login": r.PathValue("user")}})
	}))
	mux.HandleFunc("GET /repos/{owner}/{repo}/git/commits/{sha}", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		sha := r.PathValue("sha")
		tree, ok := rp.Trees[sha]
		if !ok {
			tree = "tree-" + sha
		}
		writeJSON(w, 200, map[string]any{"sha": sha, "tree": map[string]any{"sha": tree}, "message": "commit " + sha})
	}))
	mux.HandleFunc("GET /repos/{owner}/{repo}/branches/{branch}/protection", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		rsc, ok := rp.Protection[r.PathValue("branch")]
		if !ok {
			writeJSON(w, 404, map[string]string{"message": "Branch not protected"})
			return
		}
		writeJSON(w, 200, map[string]any{"url": r.URL.String(), "required_status_checks": rsc})
	}))
	mux.HandleFunc("PUT /repos/{owner}/{repo}/branches/{branch}/protection", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		var in struct {
			RSC map[string]any `json:"required_status_checks"`
		}
		json.Unmarshal(body, &in)
		rp.Protection[r.PathValue("branch")] = in.RSC
		writeJSON(w, 200, map[string]any{"url": r.URL.String(), "required_status_checks": in.RSC})
	}))
	mux.HandleFunc("PATCH /repos/{owner}/{repo}/branches/{branch}/protection/required_status_checks", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		if _, ok := rp.Protection[r.PathValue("branch")]; !ok {
			writeJSON(w, 404, map[string]string{"message": "Branch not protected"})
			return
		}
		var in map[string]any
		json.Unmarshal(body, &in)
		rp.Protection[r.PathValue("branch")] = in
		writeJSON(w, 200, in)
	}))
	mux.HandleFunc("GET /repos/{owner}/{repo}/rulesets", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		out := []map[string]any{}
		for _, rs := range rp.Rulesets {
			out = append(out, map[string]any{"id": rs["id"], "name": rs["name"], "enforcement": rs["enforcement"], "source": rp.Owner + "/" + rp.Name, "source_type": "Repository"})
		}
		writeJSON(w, 200, out)
	}))
	mux.HandleFunc("GET /repos/{owner}/{repo}/rulesets/{id}", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		for _, rs := range rp.Rulesets {
			if fmt.Sprint(rs["id"]) == r.PathValue("id") {
				writeJSON(w, 200, rs)
				return
			}
		}
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
	}))
	mux.HandleFunc("POST /repos/{owner}/{repo}/rulesets", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		var rs map[string]any
		json.Unmarshal(body, &rs)
		f.nextID++
		rs["id"], rs["source"], rs["source_type"] = f.nextID, rp.Owner+"/"+rp.Name, "Repository"
		rp.Rulesets = append(rp.Rulesets, rs)
		writeJSON(w, 201, rs)
	}))
	mux.HandleFunc("PUT /repos/{owner}/{repo}/rulesets/{id}", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		for i, rs := range rp.Rulesets {
			if fmt.Sprint(rs["id"]) == r.PathValue("id") {
				var in map[string]any
				json.Unmarshal(body, &in)
				in["id"], in["source"], in["source_type"] = rs["id"], rs["source"], rs["source_type"]
				rp.Rulesets[i] = in
				writeJSON(w, 200, in)
				return
			}
		}
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
	}))
	mux.HandleFunc("POST /repos/{owner}/{repo}/actions/runs/{run}/deployment_protection_rule", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		var in struct {
			Env     string `json:"environment_name"`
			State   string `json:"state"`
			Comment string `json:"comment"`
		}
		json.Unmarshal(body, &in)
		run, _ := strconv.ParseInt(r.PathValue("run"), 10, 64)
		rp.GateReviews = append(rp.GateReviews, GateReview{RunID: run, Environment: in.Env, State: in.State, Comment: in.Comment})
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.HandleFunc("GET /repos/{owner}/{repo}/pulls/{n}", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		p, ok := rp.Pulls[n]
		if !ok {
			writeJSON(w, 404, map[string]string{"message": "Not Found"})
			return
		}
		writeJSON(w, 200, pullJSON(rp, p))
	}))
	mux.HandleFunc("GET /repos/{owner}/{repo}/commits/{sha}/pulls", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		out := []map[string]any{}
		for _, n := range sortedPulls(rp) {
			p := rp.Pulls[n]
			if contains(p.Commits, r.PathValue("sha")) || p.MergeSHA == r.PathValue("sha") {
				out = append(out, pullJSON(rp, p))
			}
		}
		writeJSON(w, 200, out)
	}))
	mux.HandleFunc("GET /repos/{owner}/{repo}/deployments", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		q := r.URL.Query()
		out := []map[string]any{}
		for i := len(rp.Deployments) - 1; i >= 0; i-- { // newest first, as GitHub
			d := rp.Deployments[i]
			if (q.Get("environment") == "" || q.Get("environment") == d.Environment) && (q.Get("sha") == "" || q.Get("sha") == d.SHA) {
				out = append(out, map[string]any{"id": d.ID, "sha": d.SHA, "ref": d.Ref, "environment": d.Environment,
					"creator": map[string]any{"login": d.Creator}, "created_at": f.Now().UTC().Format(time.RFC3339)})
			}
		}
		writeJSON(w, 200, out)
	}))
	mux.HandleFunc("GET /repos/{owner}/{repo}/deployments/{id}/statuses", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		for _, d := range rp.Deployments {
			if d.ID == id {
				out := []map[string]any{}
				for i := len(d.Statuses) - 1; i >= 0; i-- {
					st := d.Statuses[i]
					out = append(out, map[string]any{"id": st.ID, "state": st.State, "environment": d.Environment,
						"creator": map[string]any{"login": d.Creator}, "created_at": st.At.UTC().Format(time.RFC3339)})
				}
				writeJSON(w, 200, out)
				return
			}
		}
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
	}))
	mux.HandleFunc("GET /app/installations", func(w http.ResponseWriter, r *http.Request) {
		seen := map[int64]bool{}
		out := []map[string]any{}
		for _, rp := range f.repos {
			if !seen[rp.Installation] {
				seen[rp.Installation] = true
				out = append(out, map[string]any{"id": rp.Installation, "account": map[string]any{"login": rp.Owner}})
			}
		}
		writeJSON(w, 200, out)
	})
	mux.HandleFunc("GET /installation/repositories", func(w http.ResponseWriter, r *http.Request) {
		out := []map[string]any{}
		for _, rp := range f.repos {
			out = append(out, map[string]any{"id": 1, "name": rp.Name, "full_name": rp.Owner + "/" + rp.Name, "owner": map[string]any{"login": rp.Owner}})
		}
		writeJSON(w, 200, map[string]any{"total_count": len(out), "repositories": out})
	})
	mux.HandleFunc("GET /orgs/{org}/teams/{slug}/memberships/{user}", func(w http.ResponseWriter, r *http.Request) {
		if f.teams[r.PathValue("org")+"/"+r.PathValue("slug")][r.PathValue("user")] {
			writeJSON(w, 200, map[string]any{"state": "active", "role": "member"})
			return
		}
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
	})
	f.routeHooks(mux)
	mux.ServeHTTP(w, r)
}

// location is the API address of something a create made, for Location.
func (f *Fake) location(rp *Repo, kind string, id int64) string {
	return fmt.Sprintf("%s/repos/%s/%s/%s/%d", strings.TrimSuffix(f.URL(), "/"), rp.Owner, rp.Name, kind, id)
}

func (f *Fake) withRepo(h func(http.ResponseWriter, *http.Request, *Repo)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rp := f.repos[r.PathValue("owner")+"/"+r.PathValue("repo")]
		if rp == nil {
			writeJSON(w, 404, map[string]string{"message": "Not Found"})
			return
		}
		h(w, r, rp)
	}
}

func (f *Fake) withIssue(h func(http.ResponseWriter, *http.Request, *Repo, *Issue)) http.HandlerFunc {
	return f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if st, ok := rp.Deleted[n]; ok {
			writeJSON(w, st, map[string]string{"message": "This issue was deleted"})
			return
		}
		for _, is := range rp.Issues {
			if is.Number == n {
				h(w, r, rp, is)
				return
			}
		}
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
	})
}

func issueJSON(rp *Repo, is *Issue) map[string]any {
	labels := []map[string]any{}
	for _, l := range is.Labels {
		labels = append(labels, map[string]any{"name": l})
	}
	author, kind := is.Author, "User"
	if author == "" {
		author = "octocat"
	}
	if strings.HasSuffix(author, "[bot]") {
		kind = "Bot"
	}
	return map[string]any{"number": is.Number, "title": is.Title, "body": is.Body, "state": is.State, "labels": labels,
		"user":     map[string]any{"login": author, "type": kind},
		"html_url": fmt.Sprintf("https://github.com/%s/%s/issues/%d", rp.Owner, rp.Name, is.Number)}
}

func pullJSON(rp *Repo, p *Pull) map[string]any {
	labels := []map[string]any{}
	for _, l := range p.Labels {
		labels = append(labels, map[string]any{"name": l})
	}
	out := map[string]any{"number": p.Number, "title": p.Title, "state": p.State, "merged": p.Merged, "labels": labels,
		"user":     map[string]any{"login": p.Author},
		"head":     map[string]any{"ref": p.HeadRef, "sha": p.HeadSHA},
		"base":     map[string]any{"ref": p.BaseRef, "repo": map[string]any{"id": rp.ID, "name": rp.Name, "full_name": rp.Owner + "/" + rp.Name}},
		"html_url": fmt.Sprintf("https://github.com/%s/%s/pull/%d", rp.Owner, rp.Name, p.Number)}
	if p.MergeSHA != "" {
		out["merge_commit_sha"] = p.MergeSHA
	}
	if !p.UpdatedAt.IsZero() {
		out["updated_at"] = p.UpdatedAt.UTC().Format(time.RFC3339)
	}
	return out
}

func sortedPulls(rp *Repo) []int {
	ns := make([]int, 0, len(rp.Pulls))
	for n := range rp.Pulls {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	return ns
}

func commentJSON(c *Comment) map[string]any {
	kind := "User"
	if strings.HasSuffix(c.Author, "[bot]") {
		kind = "Bot"
	}
	return map[string]any{"id": c.ID, "body": c.Body, "user": map[string]any{"login": c.Author, "type": kind}}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// nextIssueNumber is 1000 for the first issue, then one past the highest
// number used, deleted issues included (GitHub never reuses one).
func (rp *Repo) nextIssueNumber() int {
	n := 1000
	for _, is := range rp.Issues {
		n = max(n, is.Number+1)
	}
	for d := range rp.Deleted {
		n = max(n, d+1)
	}
	return n
}

// DeleteIssue deletes issue n (as GitHub's deleteIssue does): it leaves
// every list, and reads and writes of it answer status (410 or 404).
func (rp *Repo) DeleteIssue(n, status int) {
	for i, is := range rp.Issues {
		if is.Number == n {
			rp.Issues = append(rp.Issues[:i:i], rp.Issues[i+1:]...)
			break
		}
	}
	if rp.Deleted == nil {
		rp.Deleted = map[int]int{}
	}
	rp.Deleted[n] = status
	kept := rp.Comments[:0:0]
	for _, c := range rp.Comments {
		if c.Issue != n {
			kept = append(kept, c)
		}
	}
	rp.Comments = kept
}

// IssueByMarker returns the issue whose body holds marker, or nil.
func (rp *Repo) IssueByMarker(marker string) *Issue {
	for _, is := range rp.Issues {
		if strings.Contains(is.Body, marker) {
			return is
		}
	}
	return nil
}

// CheckRunsNamed returns the check runs with a name.
func (rp *Repo) CheckRunsNamed(name string) []*CheckRun {
	var out []*CheckRun
	for _, c := range rp.CheckRuns {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}
