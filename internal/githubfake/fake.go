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
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fake is the fake GitHub.
type Fake struct {
	Server *httptest.Server
	spec   *Spec

	mu         sync.Mutex
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

// Request is one request the fake served.
type Request struct {
	Method, Route, Path string
	Status              int
	At                  time.Time
	// RetryAfter is the Retry-After the fake answered with, if any.
	RetryAfter time.Duration
	// Start is when the request arrived.
	Start time.Time
	// Created is the path of what a create made (from its Location).
	Created string
}

// Repo is a repository's state in the fake.
type Repo struct {
	// ID is the repository's id (Codertocat/Hello-World gets the one the
	// recorded webhook payloads carry).
	ID            int64
	Owner, Name   string
	DefaultBranch string
	// Private repos are seen by user tokens only of people in Perms.
	Private     bool
	Files       map[string]string // path on the default branch → content
	Perms       map[string]string // login → permission
	Issues      []*Issue
	Comments    []*Comment
	CheckRuns   []*CheckRun
	Statuses    []*Status
	Deployments []*Deployment
	Reactions   []Reaction
	Pulls       map[int]*Pull
	// Trees maps a commit to its tree; a commit not listed has a tree of
	// its own ("tree-" + sha).
	Trees map[string]string
	// Compares maps "base...head" to the files changed between them; a
	// pair not listed is a 404.
	Compares map[string][]string
	// Installation is the App installation the repo belongs to.
	Installation int64
	// Protection holds each protected branch's required status checks
	// ({"strict":…, "checks":[…]}), Rulesets the repository rulesets.
	Protection map[string]map[string]any
	Rulesets   []map[string]any
	// GateReviews are the deployment protection rule answers received.
	GateReviews []GateReview
	// Deleted holds deleted issues' numbers and the status GitHub answers
	// for them (410 Gone, or 404).
	Deleted map[int]int
	// FilesAt maps a ref (a commit, or a branch other than the default) to
	// its files, for reads with ?ref= (a config PR's head).
	FilesAt map[string]map[string]string
}

// GateReview is an answer to a deployment protection rule.
type GateReview struct {
	RunID                       int64
	Environment, State, Comment string
}

// Pull is a pull request in the fake.
type Pull struct {
	Number           int
	Title, Author    string
	HeadRef, BaseRef string
	HeadSHA          string
	Labels           []string
	State            string // open, closed
	Merged           bool
	MergeSHA         string
	Commits          []string // SHAs of the PR's commits, head last
	UpdatedAt        time.Time
}

// Issue is an issue in the fake.
type Issue struct {
	Number      int      `json:"number"`
	Title       string   `json:"title"`
	Body        string   `json:"body"`
	State       string   `json:"state"`
	StateReason string   `json:"state_reason,omitempty"`
	Labels      []string `json:"-"`
	Edits       int      `json:"-"`
	// Author is who opened the issue: BotLogin for issues golive created
	// through the API; a person for issues a test puts in directly.
	Author string `json:"-"`
	// History is the body's edit history, oldest first (see graphql.go).
	History []Edit `json:"-"`
}

// BotLogin is the login GitHub gives the fake's App ("<slug>[bot]").
const BotLogin = "golive[bot]"

// Comment is an issue or PR comment in the fake.
type Comment struct {
	ID     int64  `json:"id"`
	Issue  int    `json:"-"`
	Body   string `json:"body"`
	Author string `json:"-"`
	Edits  int    `json:"-"`
}

// CheckRun is a check run in the fake.
type CheckRun struct {
	ID         int64           `json:"id"`
	Name       string          `json:"name"`
	HeadSHA    string          `json:"head_sha"`
	Status     string          `json:"status"`
	Conclusion string          `json:"conclusion,omitempty"`
	DetailsURL string          `json:"details_url,omitempty"`
	Output     json.RawMessage `json:"output,omitempty"`
	Actions    json.RawMessage `json:"actions,omitempty"`
	HTMLURL    string          `json:"html_url,omitempty"`
	// CompletedAt is set for check runs other apps report.
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	Updates     int        `json:"-"`
}

// Title returns the check run's output title.
func (c *CheckRun) Title() string {
	var o struct {
		Title   string `json:"title"`
		Summary string `json:"summary"`
	}
	json.Unmarshal(c.Output, &o)
	return o.Title
}

// Summary returns the check run's output summary.
func (c *CheckRun) Summary() string {
	var o struct {
		Summary string `json:"summary"`
	}
	json.Unmarshal(c.Output, &o)
	return o.Summary
}

// Status is a commit status in the fake.
type Status struct {
	SHA, Context, State, TargetURL string
	At                             time.Time
	// Creator is the login that posted it (GitHub's creator.login).
	Creator string
}

// Deployment is a deployment with its statuses.
type Deployment struct {
	ID          int64
	SHA, Ref    string
	Environment string
	Creator     string
	Statuses    []DeploymentStatus
}

// DeploymentStatus is one status of a deployment, newest last.
type DeploymentStatus struct {
	ID    int64
	State string
	At    time.Time
}

// Reaction is a reaction on a comment.
type Reaction struct {
	CommentID int64
	Content   string
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

// Violations lists requests GitHub's description does not allow.
func (f *Fake) Violations() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.violations...)
}

// Count returns how many requests matched "METHOD /route/template".
func (f *Fake) Count(route string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[route]
}

// Counts returns every route's count.
func (f *Fake) Counts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.counts))
	for k, v := range f.counts {
		out[k] = v
	}
	return out
}

// Writes counts the requests that were not GETs.
func (f *Fake) Writes() int {
	n := 0
	for k, v := range f.Counts() {
		if !strings.HasPrefix(k, "GET ") {
			n += v
		}
	}
	return n
}

// Log returns the requests served, in order.
func (f *Fake) Log() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.log...)
}

// ResetCounts zeroes the counters and the log.
func (f *Fake) ResetCounts() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts = map[string]int{}
	f.log = nil
}

// CountsTable formats the counts, sorted, one route per line.
func (f *Fake) CountsTable() string {
	c := f.Counts()
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%5d  %s\n", c[k], k)
	}
	return b.String()
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

// NotModified counts the GETs answered 304.
func (f *Fake) NotModified() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.notModified
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
