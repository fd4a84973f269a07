package githubfake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// routeChecks registers the routes of check runs, commit statuses, compares and commits, deployments and their protection rules.
func (f *Fake) routeChecks(mux *http.ServeMux) {
	mux.HandleFunc("POST /repos/{owner}/{repo}/check-runs", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		var c CheckRun
		json.Unmarshal(f.body, &c)
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
				json.Unmarshal(f.body, &in)
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
		from, to := f.page(w, r, len(all))
		files := []map[string]any{}
		for _, name := range all[from:to] {
			files = append(files, map[string]any{"filename": name, "status": "modified"})
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
	mux.HandleFunc("GET /repos/{owner}/{repo}/git/commits/{sha}", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		sha := r.PathValue("sha")
		tree, ok := rp.Trees[sha]
		if !ok {
			tree = "tree-" + sha
		}
		writeJSON(w, 200, map[string]any{"sha": sha, "tree": map[string]any{"sha": tree}, "message": "commit " + sha})
	}))
	mux.HandleFunc("POST /repos/{owner}/{repo}/actions/runs/{run}/deployment_protection_rule", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		var in struct {
			Env     string `json:"environment_name"`
			State   string `json:"state"`
			Comment string `json:"comment"`
		}
		json.Unmarshal(f.body, &in)
		run, _ := strconv.ParseInt(r.PathValue("run"), 10, 64)
		rp.GateReviews = append(rp.GateReviews, GateReview{RunID: run, Environment: in.Env, State: in.State, Comment: in.Comment})
		w.WriteHeader(http.StatusNoContent)
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
}
