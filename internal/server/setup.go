package server

import (
	"context"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Setup serves the one-click App registration (GitHub's App-manifest
// flow) while golive has no credentials: /setup posts the manifest to
// GitHub, /setup/callback exchanges the code for the App's id, key and
// webhook secret and saves them.
type Setup struct {
	// Manifest is deploy/github-app.json; hook and redirect URLs are set
	// from PublicURL.
	Manifest []byte
	// PublicURL is where GitHub reaches golive, without a trailing slash.
	PublicURL string
	// WebURL is GitHub's web root: https://github.com or a GHES host.
	WebURL string
	// Exchange trades the callback's code for credentials.
	Exchange func(ctx context.Context, code string) (any, error)
	// Save stores the credentials; Configured reports whether there are
	// some already (then setup refuses to run).
	Save       func(creds any) error
	Configured func() bool
	// Where names the file Save writes, for the page that shows the
	// credentials when it could not.
	Where string
	Log   *slog.Logger

	mu     sync.Mutex
	states map[string]time.Time
}

const stateTTL = time.Hour

var setupPage = template.Must(template.New("setup").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Register golive as a GitHub App</title></head>
<body><main>
<h1>Register golive as a GitHub App</h1>
<p>golive has no App credentials yet. Create the App on GitHub from golive's manifest, with the
least permissions it needs; GitHub then sends you back here and golive saves the App's id, key and
webhook secret.</p>
<form method="get" action="/setup">
<label for="org">Organization (leave empty to create the App under your own account)</label>
<input id="org" name="org" value="{{.Org}}" pattern="[A-Za-z0-9-]*">
<button type="submit">Use this owner</button>
</form>
<form method="post" action="{{.Action}}">
<input type="hidden" name="manifest" value="{{.Manifest}}">
<button type="submit">Create the App on GitHub{{if .Org}} for {{.Org}}{{end}}</button>
</form>
</main></body></html>`))

func (s *Setup) page(c *gin.Context) {
	if s.Configured() {
		c.String(http.StatusConflict, "golive already has App credentials; setup is closed.\n")
		return
	}
	org := c.Query("org")
	if strings.Trim(org, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
		c.String(http.StatusBadRequest, "an organization name has only letters, digits and hyphens\n")
		return
	}
	manifest, err := s.manifest()
	if err != nil {
		c.String(http.StatusInternalServerError, "App manifest: %v\n", err)
		return
	}
	state := s.newState()
	action := s.WebURL + "/settings/apps/new?state=" + url.QueryEscape(state)
	if org != "" {
		action = s.WebURL + "/organizations/" + url.PathEscape(org) + "/settings/apps/new?state=" + url.QueryEscape(state)
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Security-Policy", "default-src 'none'; form-action 'self' "+s.WebURL+"; frame-ancestors 'none'")
	c.Header("Referrer-Policy", "no-referrer")
	c.Status(http.StatusOK)
	setupPage.Execute(c.Writer, map[string]any{"Org": org, "Action": template.URL(action), "Manifest": string(manifest)})
}

// manifest is the App manifest to post: the file's fields that GitHub
// reads, with golive's URLs.
func (s *Setup) manifest() ([]byte, error) {
	var m map[string]any
	if err := json.Unmarshal(s.Manifest, &m); err != nil {
		return nil, err
	}
	for k := range m {
		if strings.HasPrefix(k, "x-") {
			delete(m, k) // golive's own notes, not GitHub's
		}
	}
	m["hook_attributes"] = map[string]any{"url": s.PublicURL + "/webhook", "active": true}
	m["redirect_url"] = s.PublicURL + "/setup/callback"
	// Where GitHub sends people back after they sign in to the dashboard.
	m["callback_urls"] = []string{s.PublicURL + "/auth/callback"}
	return json.Marshal(m)
}

func (s *Setup) newState() string {
	st := randomID()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.states == nil {
		s.states = map[string]time.Time{}
	}
	now := time.Now()
	for k, at := range s.states {
		if now.Sub(at) > stateTTL {
			delete(s.states, k)
		}
	}
	s.states[st] = now
	return st
}

// takeState accepts a state this server issued within the hour, once.
// It returns when it was issued, for giveBack.
func (s *Setup) takeState(st string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.states[st]
	delete(s.states, st)
	return at, ok && time.Since(at) <= stateTTL
}

// giveBack restores a state whose exchange failed, so that reloading the
// callback tries again: GitHub answering 502 once must not cost the App
// the person just created.
func (s *Setup) giveBack(st string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.states[st] = at
}

var unsavedPage = template.Must(template.New("unsaved").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Save golive's App credentials</title></head>
<body><main>
<h1>The App is created, but golive could not save its credentials</h1>
<p>Saving to <code>{{.Where}}</code> failed: <code>{{.Err}}</code>.</p>
<p><strong>GitHub shows the private key only this once.</strong> Copy the JSON below now, before you leave this
page, and store it in one of these ways:</p>
<ul>
<li>as the file <code>{{.Where}}</code> on a writable volume, readable only by golive (mode 0600), then restart golive; or</li>
<li>in your secret store: <code>GOLIVE_APP_ID</code> from <code>app_id</code>, <code>GOLIVE_PRIVATE_KEY</code> from
<code>private_key</code>, <code>GOLIVE_WEBHOOK_SECRET</code> from <code>webhook_secret</code>, and
<code>GOLIVE_CLIENT_ID</code>, <code>GOLIVE_CLIENT_SECRET</code> for the dashboard; then restart golive.</li>
</ul>
<pre>{{.Creds}}</pre>
<p>If this page is lost, generate a new private key and webhook secret in the App's settings on GitHub.</p>
</main></body></html>`))

func (s *Setup) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

func (s *Setup) callback(c *gin.Context) {
	if s.Configured() {
		c.String(http.StatusConflict, "golive already has App credentials; setup is closed.\n")
		return
	}
	code := c.Query("code")
	if code == "" || len(code) > 200 {
		c.String(http.StatusBadRequest, "missing code\n")
		return
	}
	state := c.Query("state")
	issued, ok := s.takeState(state)
	if !ok {
		c.String(http.StatusForbidden, "unknown, used or expired state: start again at /setup\n")
		return
	}
	creds, err := s.Exchange(c.Request.Context(), code)
	if err != nil {
		s.giveBack(state, issued)
		s.log().Warn("setup: the App manifest exchange failed; the page can be reloaded to try again", "err", err)
		c.String(http.StatusBadGateway, "GitHub did not complete the App: %v\nReload this page to try again.\n", err)
		return
	}
	if err := s.Save(creds); err != nil {
		// The exchange is done and GitHub will not show this private key
		// again: show it now, once, rather than lose the App.
		s.log().Error("setup: could not save the new App's credentials; they were shown once on the callback page", "file", s.Where, "err", err)
		b, _ := json.MarshalIndent(creds, "", "  ")
		c.Header("Cache-Control", "no-store")
		c.Header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		c.Header("Referrer-Policy", "no-referrer")
		c.Status(http.StatusInternalServerError)
		unsavedPage.Execute(c.Writer, map[string]any{"Err": err.Error(), "Where": s.Where, "Creds": string(b)})
		return
	}
	c.Header("Cache-Control", "no-store")
	c.String(http.StatusOK, "The App is created and its credentials are saved. Install it on your repositories from the App's page on GitHub, then restart golive.\n")
}
