package githubfake

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// routeApp registers the routes of the App, its installations, the signed-in user and team memberships.
func (f *Fake) routeApp(mux *http.ServeMux) {
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
	mux.HandleFunc("GET /orgs/{org}/teams/{slug}/members", func(w http.ResponseWriter, r *http.Request) {
		var logins []string
		for login, in := range f.teams[r.PathValue("org")+"/"+r.PathValue("slug")] {
			if in {
				logins = append(logins, login)
			}
		}
		if logins == nil {
			writeJSON(w, 404, map[string]string{"message": "Not Found"})
			return
		}
		sort.Strings(logins)
		from, to := f.page(w, r, len(logins))
		out := []map[string]any{}
		for _, l := range logins[from:to] {
			out = append(out, map[string]any{"login": l, "type": "User"})
		}
		writeJSON(w, 200, out)
	})
	mux.HandleFunc("GET /orgs/{org}/teams/{slug}/memberships/{user}", func(w http.ResponseWriter, r *http.Request) {
		if f.teams[r.PathValue("org")+"/"+r.PathValue("slug")][r.PathValue("user")] {
			writeJSON(w, 200, map[string]any{"state": "active", "role": "member"})
			return
		}
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
	})
}
