package githubfake

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// The OAuth web flow lives on GitHub's web host, not in the REST API, so
// its endpoints are not in the OpenAPI description. The fake serves them
// as GitHub documents them ("Authorizing OAuth apps" and "Generating a
// user access token for a GitHub App"): the authorize page, and the code
// exchange, which answers 200 even for a bad code, with an "error" field.

// oauthState is the fake's OAuth app and the codes and tokens it issued.
type oauthState struct {
	mu           sync.Mutex
	clientID     string
	clientSecret string
	codes        map[string]oauthCode
	tokens       map[string]string // user access token → login
	ids          map[string]int64
}

type oauthCode struct {
	login, redirect string
}

// SetOAuthApp sets the App's client id and secret the flow accepts.
func (f *Fake) SetOAuthApp(clientID, clientSecret string) {
	f.oauth.mu.Lock()
	defer f.oauth.mu.Unlock()
	f.oauth.clientID, f.oauth.clientSecret = clientID, clientSecret
}

// UserToken issues a user access token for login, as a finished OAuth
// flow would.
func (f *Fake) UserToken(login string) string {
	f.oauth.mu.Lock()
	defer f.oauth.mu.Unlock()
	return f.oauth.issue(login)
}

// RevokeUserToken makes a token fail from now on, as when a user revokes
// the App's authorization.
func (f *Fake) RevokeUserToken(token string) {
	f.oauth.mu.Lock()
	defer f.oauth.mu.Unlock()
	delete(f.oauth.tokens, token)
}

func (o *oauthState) issue(login string) string {
	if o.tokens == nil {
		o.tokens, o.ids = map[string]string{}, map[string]int64{}
	}
	tok := "ghu_" + randomToken()
	o.tokens[tok] = login
	if o.ids[login] == 0 {
		o.ids[login] = int64(50000 + len(o.ids))
	}
	return tok
}

// userToken returns the user access token a request carries, if any.
func userToken(r *http.Request) (string, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "token ")
	if !ok {
		tok, ok = strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	return tok, ok && strings.HasPrefix(tok, "ghu_")
}

// userOf returns the login a request's user token belongs to.
func (f *Fake) userOf(r *http.Request) (string, bool) {
	tok, ok := userToken(r)
	if !ok {
		return "", false
	}
	f.oauth.mu.Lock()
	defer f.oauth.mu.Unlock()
	login, ok := f.oauth.tokens[tok]
	return login, ok
}

func randomToken() string {
	b := make([]byte, 18)
	rand.Read(b)
	return hex.EncodeToString(b)
}

var authorizePage = template.Must(template.New("authorize").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Authorize application</title></head>
<body><main><h1>Authorize {{.ClientID}}</h1>
<form method="post" action="/login/oauth/authorize">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.Redirect}}">
<input type="hidden" name="state" value="{{.State}}">
<label for="login">Username</label> <input id="login" name="login" autocomplete="username" required>
<button type="submit" id="authorize">Authorize</button>
</form></main></body></html>`))

// serveOAuth handles the web flow; it reports false for other paths.
func (f *Fake) serveOAuth(w http.ResponseWriter, r *http.Request) bool {
	switch {
	case r.URL.Path == "/login/oauth/authorize" && r.Method == http.MethodGet:
		q := r.URL.Query()
		if !f.oauthClient(q.Get("client_id")) {
			http.Error(w, "The client_id is not valid.", http.StatusNotFound)
			return true
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		authorizePage.Execute(w, map[string]string{"ClientID": q.Get("client_id"), "Redirect": q.Get("redirect_uri"), "State": q.Get("state")})
		return true
	case r.URL.Path == "/login/oauth/authorize" && r.Method == http.MethodPost:
		r.ParseForm()
		if !f.oauthClient(r.PostForm.Get("client_id")) || r.PostForm.Get("login") == "" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return true
		}
		redirect, err := url.Parse(r.PostForm.Get("redirect_uri"))
		if err != nil || redirect.Scheme == "" {
			http.Error(w, "The redirect_uri is not valid.", http.StatusBadRequest)
			return true
		}
		code := randomToken()
		f.oauth.mu.Lock()
		if f.oauth.codes == nil {
			f.oauth.codes = map[string]oauthCode{}
		}
		f.oauth.codes[code] = oauthCode{login: r.PostForm.Get("login"), redirect: redirect.String()}
		f.oauth.mu.Unlock()
		q := redirect.Query()
		q.Set("code", code)
		q.Set("state", r.PostForm.Get("state"))
		redirect.RawQuery = q.Encode()
		http.Redirect(w, r, redirect.String(), http.StatusFound)
		return true
	case r.URL.Path == "/login/oauth/access_token" && r.Method == http.MethodPost:
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		f.oauth.mu.Lock()
		defer f.oauth.mu.Unlock()
		if r.PostForm.Get("client_id") != f.oauth.clientID || r.PostForm.Get("client_secret") != f.oauth.clientSecret || f.oauth.clientID == "" {
			json.NewEncoder(w).Encode(map[string]string{"error": "incorrect_client_credentials", "error_description": "The client_id and/or client_secret passed are incorrect."})
			return true
		}
		c, ok := f.oauth.codes[r.PostForm.Get("code")]
		delete(f.oauth.codes, r.PostForm.Get("code")) // a code works once
		if !ok {
			json.NewEncoder(w).Encode(map[string]string{"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired."})
			return true
		}
		if ru := r.PostForm.Get("redirect_uri"); ru != "" && ru != c.redirect {
			json.NewEncoder(w).Encode(map[string]string{"error": "redirect_uri_mismatch", "error_description": "The redirect_uri MUST match the registered callback URL for this application."})
			return true
		}
		json.NewEncoder(w).Encode(map[string]any{"access_token": f.oauth.issue(c.login), "token_type": "bearer", "scope": "", "expires_in": 28800})
		return true
	}
	return false
}

func (f *Fake) oauthClient(id string) bool {
	f.oauth.mu.Lock()
	defer f.oauth.mu.Unlock()
	return id != "" && id == f.oauth.clientID
}
