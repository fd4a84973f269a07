// Package githubfake is a stateful fake of the parts of GitHub's REST API
// golive uses, for tests and `golive demo`. With a Spec it checks every
// request against GitHub's own OpenAPI description and records any
// request GitHub would not define. It counts requests by route and can
// inject faults on demand.
package githubfake

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fake is the fake GitHub.
type Fake struct {
	Server *httptest.Server
	spec   *Spec

	mu sync.Mutex
	// mux routes the API; built at the first request, served under mu.
	mux *http.ServeMux
	// body is the body of the request being served, under mu.
	body       []byte
	repos      map[string]*Repo
	teams      map[string]map[string]bool // "org/slug" → logins
	counts     map[string]int             // "METHOD /route/template" → n
	violations []string
	refused    []Refusal
	faults     []*Fault
	nextID     int64
	nextRepoID int64
	log        []Request
	// notModified counts conditional GETs answered 304.
	notModified int
	// Now is the fake's clock, for timestamps it writes.
	Now func() time.Time
	// oauth is the web flow's App, codes and user tokens.
	oauth oauthState
	// hooks is the App's webhook and delivery log (deliveries.go).
	hooks hookLog
}

// Fault makes matching requests fail.
type Fault struct {
	// Match is "METHOD /route/template" or a prefix of it; "" matches all.
	Match string
	// Status to answer with; 0 means a stall of Delay then a normal answer.
	Status int
	// RetryAfter, when set, is sent as the Retry-After header (seconds).
	RetryAfter int
	// Reset, when set, sends x-ratelimit-remaining: 0 and this reset time.
	Reset time.Time
	// Delay stalls the answer.
	Delay time.Duration
	// Times is how many requests it hits; 0 means until cleared.
	Times int
	// Every, when above 1, hits only every Every-th matching request
	// (5 fails a fifth of them).
	Every int
	hits  int
	seen  int
}

// New starts a fake. spec may be nil (the demo); tests pass one.
func New(spec *Spec) *Fake {
	f := &Fake{spec: spec, repos: map[string]*Repo{}, teams: map[string]map[string]bool{}, counts: map[string]int{}, nextID: 1000, Now: time.Now}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// Close stops the server.
func (f *Fake) Close() { f.hooks.inflight.Wait(); f.Server.Close() }

// URL is the API base URL, with a trailing slash.
func (f *Fake) URL() string { return f.Server.URL + "/" }

// AddRepo creates a repository.
func (f *Fake) AddRepo(owner, name string) *Repo {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextRepoID++
	id := 1000 + f.nextRepoID
	if owner+"/"+name == "Codertocat/Hello-World" {
		id = 186853002
	}
	r := &Repo{ID: id, Owner: owner, Name: name, DefaultBranch: "main", Files: map[string]string{}, Perms: map[string]string{}, Pulls: map[int]*Pull{}, Installation: 1, Protection: map[string]map[string]any{}}
	f.repos[owner+"/"+name] = r
	return r
}

// AddPull opens a pull request in repo "owner/name".
func (f *Fake) AddPull(repo string, p *Pull) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p.State == "" {
		p.State = "open"
	}
	if len(p.Commits) == 0 && p.HeadSHA != "" {
		p.Commits = []string{p.HeadSHA}
	}
	f.repos[repo].Pulls[p.Number] = p
}

// AddCheckRun records a check run another app (CI) reported.
func (f *Fake) AddCheckRun(repo, name, sha, status, conclusion string) *CheckRun {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	at := f.Now().UTC().Truncate(time.Second)
	c := &CheckRun{ID: f.nextID, Name: name, HeadSHA: sha, Status: status, Conclusion: conclusion,
		HTMLURL: fmt.Sprintf("https://github.com/%s/runs/%d", repo, f.nextID), CompletedAt: &at}
	f.repos[repo].CheckRuns = append(f.repos[repo].CheckRuns, c)
	return c
}

// AddStatus records a commit status.
func (f *Fake) AddStatus(repo, sha, context, state string) {
	f.AddStatusBy(repo, sha, context, state, "")
}

// AddStatusBy records a commit status posted by creator.
func (f *Fake) AddStatusBy(repo, sha, context, state, creator string) *Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := &Status{SHA: sha, Context: context, State: state, At: f.Now(), Creator: creator}
	f.repos[repo].Statuses = append(f.repos[repo].Statuses, s)
	return s
}

// AddDeployment records a deployment with one status.
func (f *Fake) AddDeployment(repo, env, sha, ref, state string) *Deployment {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	d := &Deployment{ID: f.nextID, SHA: sha, Ref: ref, Environment: env, Creator: "deployer"}
	f.nextID++
	d.Statuses = append(d.Statuses, DeploymentStatus{ID: f.nextID, State: state, At: f.Now().UTC().Truncate(time.Second)})
	f.repos[repo].Deployments = append(f.repos[repo].Deployments, d)
	return d
}

// Repo returns a repository by "owner/name".
func (f *Fake) Repo(full string) *Repo {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.repos[full]
}

// Do runs fn with the fake's state locked, to read or change it safely;
// fn gets the repositories by "owner/name" (the fake's other methods lock
// too, so fn must not call them).
func (f *Fake) Do(fn func(repos map[string]*Repo)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f.repos)
}

// AddTeamMember puts a login in "org/slug".
func (f *Fake) AddTeamMember(team, login string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.teams[team] == nil {
		f.teams[team] = map[string]bool{}
	}
	f.teams[team][login] = true
}

// Inject adds a fault.
func (f *Fake) Inject(ft *Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, ft)
}

// ClearFaults removes every fault.
func (f *Fake) ClearFaults() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = nil
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/login/oauth/") {
		f.mu.Lock()
		f.counts[r.Method+" "+r.URL.Path]++
		f.mu.Unlock()
		if !f.serveOAuth(w, r) {
			http.NotFound(w, r)
		}
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if r.Method == http.MethodPost && r.URL.Path == "/graphql" {
		f.serveGraphQL(w, r, body) // not in the REST description: graphql.go checks it
		return
	}
	route := templateOf(r.URL.Path)
	// GitHub's runtime limits answer first: they are GitHub's answer to
	// a well-formed request, not a request GitHub does not define.
	if why := limitBroken(r, body); why != "" {
		f.mu.Lock()
		f.refused = append(f.refused, Refusal{Method: r.Method, Path: r.URL.Path, Reason: why})
		f.log = append(f.log, Request{Method: r.Method, Route: route, Path: r.URL.Path, Status: http.StatusUnprocessableEntity, At: time.Now(), Start: time.Now()})
		f.mu.Unlock()
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation Failed", "errors": []map[string]string{{"message": why, "code": "custom"}}})
		return
	}
	if f.spec != nil {
		tmpl, err := f.spec.Check(r, body)
		if err != nil {
			f.mu.Lock()
			f.violations = append(f.violations, err.Error())
			f.mu.Unlock()
			writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "githubfake: " + err.Error()})
			return
		}
		route = tmpl
	}
	key := r.Method + " " + route
	f.mu.Lock()
	f.counts[key]++
	var hit *Fault
	for _, ft := range f.faults {
		if ft.Times > 0 && ft.hits >= ft.Times {
			continue
		}
		if ft.Match == "" || strings.HasPrefix(key, ft.Match) {
			ft.seen++
			if ft.Every > 1 && ft.seen%ft.Every != 0 {
				continue
			}
			ft.hits++
			hit = ft
			break
		}
	}
	f.mu.Unlock()
	status := 0
	start := time.Now()
	var retryAfter time.Duration
	if hit != nil && hit.Status != 0 && hit.RetryAfter > 0 {
		retryAfter = time.Duration(hit.RetryAfter) * time.Second
	}
	defer func() {
		var created string
		if loc := w.Header().Get("Location"); loc != "" {
			if u, err := url.Parse(loc); err == nil {
				created = u.Path
			}
		}
		f.mu.Lock()
		f.log = append(f.log, Request{Method: r.Method, Route: route, Path: r.URL.Path, Status: status, At: time.Now(), Start: start, RetryAfter: retryAfter, Created: created})
		f.mu.Unlock()
	}()
	if hit != nil {
		if hit.Delay > 0 {
			select {
			case <-time.After(hit.Delay):
			case <-r.Context().Done():
				status = 499
				return
			}
		}
		if hit.Status != 0 {
			if hit.RetryAfter > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(hit.RetryAfter))
			}
			if !hit.Reset.IsZero() {
				w.Header().Set("X-RateLimit-Remaining", "0")
				w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(hit.Reset.Unix(), 10))
			}
			status = hit.Status
			msg := "fault injected"
			if hit.Status == 403 || hit.Status == 429 {
				msg = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
			}
			writeJSON(w, hit.Status, map[string]string{"message": msg})
			return
		}
	}
	if r.Method == http.MethodGet {
		status = f.serveCached(w, r, route, body)
		return
	}
	rec := &statusRecorder{ResponseWriter: w, status: 200}
	f.route(rec, r, route, body)
	status = rec.status
}

// serveCached answers a GET with an ETag, and 304 when the caller's
// If-None-Match still matches, as GitHub does (a 304 costs no rate limit).
func (f *Fake) serveCached(w http.ResponseWriter, r *http.Request, route string, body []byte) int {
	rec := httptest.NewRecorder()
	f.route(rec, r, route, body)
	res := rec.Result()
	out, _ := io.ReadAll(res.Body)
	for k, v := range res.Header {
		w.Header()[k] = v
	}
	if res.StatusCode == http.StatusOK {
		etag := fmt.Sprintf(`W/"%x"`, sha256.Sum256(out))
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			f.mu.Lock()
			f.notModified++
			f.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return http.StatusNotModified
		}
	}
	w.WriteHeader(res.StatusCode)
	w.Write(out)
	return res.StatusCode
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// templateOf names a path's route when no spec is loaded: numbers and
// names become placeholders well enough for counting.
func templateOf(path string) string {
	parts := strings.Split(path, "/")
	names := map[string]string{"orgs": "{org}", "teams": "{team_slug}", "memberships": "{username}", "collaborators": "{username}", "commits": "{ref}"}
	for i, p := range parts {
		if i > 0 && parts[i-1] == "repos" {
			parts[i] = "{owner}"
			if i+1 < len(parts) {
				parts[i+1] = "{repo}"
			}
		}
		if i > 0 && names[parts[i-1]] != "" && p != "" {
			parts[i] = names[parts[i-1]]
		}
		if _, err := strconv.Atoi(p); err == nil && p != "" {
			parts[i] = "{n}"
		}
	}
	return strings.Join(parts, "/")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
