package githubfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// routeRepo registers the routes of the repository: its file contents, collaborators, branch protection, rulesets and pull requests.
func (f *Fake) routeRepo(mux *http.ServeMux) {
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
		json.Unmarshal(f.body, &in)
		rp.Protection[r.PathValue("branch")] = in.RSC
		writeJSON(w, 200, map[string]any{"url": r.URL.String(), "required_status_checks": in.RSC})
	}))
	mux.HandleFunc("PATCH /repos/{owner}/{repo}/branches/{branch}/protection/required_status_checks", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		if _, ok := rp.Protection[r.PathValue("branch")]; !ok {
			writeJSON(w, 404, map[string]string{"message": "Branch not protected"})
			return
		}
		var in map[string]any
		json.Unmarshal(f.body, &in)
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
		json.Unmarshal(f.body, &rs)
		f.nextID++
		rs["id"], rs["source"], rs["source_type"] = f.nextID, rp.Owner+"/"+rp.Name, "Repository"
		rp.Rulesets = append(rp.Rulesets, rs)
		writeJSON(w, 201, rs)
	}))
	mux.HandleFunc("PUT /repos/{owner}/{repo}/rulesets/{id}", f.withRepo(func(w http.ResponseWriter, r *http.Request, rp *Repo) {
		for i, rs := range rp.Rulesets {
			if fmt.Sprint(rs["id"]) == r.PathValue("id") {
				var in map[string]any
				json.Unmarshal(f.body, &in)
				in["id"], in["source"], in["source_type"] = rs["id"], rs["source"], rs["source_type"]
				rp.Rulesets[i] = in
				writeJSON(w, 200, in)
				return
			}
		}
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
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
}
