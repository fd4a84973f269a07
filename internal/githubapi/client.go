// Package githubapi is golive's GitHub adapter: App and installation
// authentication through ghinstallation, a go-github client per
// installation, and a transport that honours rate limits.
package githubapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/release"
)

// Config says how to reach GitHub as the App.
type Config struct {
	AppID      int64
	PrivateKey []byte
	// BaseURL is the REST API root, "https://api.github.com/" or a GitHub
	// Enterprise Server's ".../api/v3/".
	BaseURL string
	// Transport under the auth and rate-limit layers; nil means default.
	Transport http.RoundTripper
	Clock     Clock
	// MaxWait caps one rate-limit wait (default 2 minutes); a longer one
	// fails at once. The request's own deadline (the client's 30 s) and
	// its context end a wait sooner.
	MaxWait time.Duration
	// OnRequest, when set, is told of each request: route, status.
	OnRequest func(method, path string, status int, d time.Duration)
	// OnRateLimit, when set, is told the remaining budget per installation.
	OnRateLimit func(installation int64, remaining int)
	// Cache, when set, keeps GET answers for revalidation by ETag.
	Cache Cache
}

// App is the GitHub App: one client per installation, made once and kept.
type App struct {
	cfg     Config
	appTr   *ghinstallation.AppsTransport
	mu      sync.Mutex
	clients map[int64]*github.Client
	// tokenless is used when no key is configured (the demo's fake GitHub
	// accepts any caller).
	tokenless bool
	keyBytes  []byte
	botLogin  string // see BotLogin
}

// New builds the App. An empty PrivateKey makes an unauthenticated client,
// for the fake GitHub of the demo and tests.
func New(cfg Config) (*App, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://api.github.com/"
	}
	if !strings.HasSuffix(cfg.BaseURL, "/") {
		cfg.BaseURL += "/"
	}
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport
	}
	if cfg.MaxWait == 0 {
		cfg.MaxWait = 2 * time.Minute
	}
	a := &App{cfg: cfg, clients: map[int64]*github.Client{}, keyBytes: cfg.PrivateKey}
	if len(cfg.PrivateKey) == 0 {
		a.tokenless = true
		return a, nil
	}
	tr, err := ghinstallation.NewAppsTransport(a.base(0), cfg.AppID, cfg.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("GitHub App key: %w", err)
	}
	tr.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	a.appTr = tr
	return a, nil
}

// base is the transport stack under authentication: rate limits, then
// metrics, then the network.
func (a *App) base(installation int64) http.RoundTripper {
	rl := &RateLimited{Base: observed{a.cfg.Transport, a.cfg.OnRequest}, Clock: a.cfg.Clock, MaxWait: a.cfg.MaxWait}
	if a.cfg.OnRateLimit != nil {
		rl.onUpdate = func(n int) { a.cfg.OnRateLimit(installation, n) }
	}
	return rl
}

type observed struct {
	next http.RoundTripper
	on   func(method, path string, status int, d time.Duration)
}

func (o observed) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := o.next.RoundTrip(r)
	if o.on != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		o.on(r.Method, r.URL.Path, status, time.Since(start))
	}
	return resp, err
}

// Client returns the go-github client of an installation.
func (a *App) Client(installation int64) (*github.Client, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.clients[installation]; ok {
		return c, nil
	}
	// Each installation has its own rate limiter and ETag scope:
	// auth → ETag cache → rate limits → metrics → network.
	var tr http.RoundTripper = a.base(installation)
	if a.cfg.Cache != nil {
		tr = &ETagCache{Next: tr, Cache: a.cfg.Cache, Scope: fmt.Sprint(installation)}
	}
	var hc *http.Client
	if a.tokenless {
		hc = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	} else {
		itr, err := ghinstallation.New(tr, a.cfg.AppID, installation, a.keyBytes)
		if err != nil {
			return nil, fmt.Errorf("GitHub App key: %w", err)
		}
		itr.BaseURL = strings.TrimSuffix(a.cfg.BaseURL, "/")
		// Without options ghinstallation posts a JSON null, which GitHub's
		// OpenAPI description does not allow (the fake caught it,
		// 2026-11): ask for the installation's full grant with {}.
		itr.InstallationTokenOptions = &github.InstallationTokenOptions{}
		hc = &http.Client{Transport: itr, Timeout: 30 * time.Second}
	}
	c, err := github.NewClient(hc).WithEnterpriseURLs(a.cfg.BaseURL, a.cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("GitHub base URL %q: %w", a.cfg.BaseURL, err)
	}
	// WithEnterpriseURLs adds "api/v3/" to a bare host; golive takes the
	// API root as given, so set it back exactly.
	c.BaseURL, _ = c.BaseURL.Parse(a.cfg.BaseURL)
	a.clients[installation] = c
	return c, nil
}

// CheckApp asks GitHub whether it accepts the App's JWT (for /readyz's
// degraded note and golive_github_reachable).
// Tokenless (the demo, tests) it asks the same, unauthenticated.
func (a *App) CheckApp(ctx context.Context) error {
	c, err := a.appClient()
	if err != nil {
		return err
	}
	_, _, err = c.Apps.Get(ctx, "")
	return err
}

// appClient speaks as the App itself (JWT), or unauthenticated to a fake.
func (a *App) appClient() (*github.Client, error) {
	if a.tokenless {
		return a.Client(0)
	}
	c, err := github.NewClient(&http.Client{Transport: a.appTr, Timeout: 30 * time.Second}).WithEnterpriseURLs(a.cfg.BaseURL, a.cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("GitHub base URL %q: %w", a.cfg.BaseURL, err)
	}
	c.BaseURL, _ = c.BaseURL.Parse(a.cfg.BaseURL)
	return c, nil
}

// ErrNotFound is returned for a 404.
var ErrNotFound = errors.New("not found on GitHub")

func notFound(resp *github.Response, err error) error {
	if resp != nil && resp.StatusCode == http.StatusNotFound {
		return ErrNotFound
	}
	return err
}

// Installation binds the App to one installation: the methods the worker
// calls.
type Installation struct {
	c   *github.Client
	ID  int64
	app *App
}

// For returns the installation's API.
func (a *App) For(installation int64) (*Installation, error) {
	c, err := a.Client(installation)
	if err != nil {
		return nil, err
	}
	return &Installation{c: c, ID: installation, app: a}, nil
}

// ConfigFiles reads the repo's .github/golive.yml from its default branch
// and the org's golive.yml from its .github repository. A missing file is
// nil, not an error.
func (in *Installation) ConfigFiles(ctx context.Context, owner, repo string) (repoFile, orgFile []byte, err error) {
	r, _, err := in.c.Repositories.Get(ctx, owner, repo)
	if err != nil {
		return nil, nil, fmt.Errorf("get repo %s/%s: %w", owner, repo, err)
	}
	branch := r.GetDefaultBranch()
	repoFile, err = in.file(ctx, owner, repo, ".github/golive.yml", branch)
	if err != nil {
		return nil, nil, err
	}
	orgFile, err = in.file(ctx, owner, ".github", "golive.yml", "")
	if err != nil {
		return nil, nil, err
	}
	return repoFile, orgFile, nil
}

func (in *Installation) file(ctx context.Context, owner, repo, path, ref string) ([]byte, error) {
	var opt *github.RepositoryContentGetOptions
	if ref != "" {
		opt = &github.RepositoryContentGetOptions{Ref: ref}
	}
	fc, _, resp, err := in.c.Repositories.GetContents(ctx, owner, repo, path, opt)
	if err := notFound(resp, err); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		return nil, fmt.Errorf("read %s/%s:%s: %w", owner, repo, path, err)
	}
	if fc == nil {
		return nil, nil
	}
	s, err := fc.GetContent()
	if err != nil {
		return nil, fmt.Errorf("decode %s/%s:%s: %w", owner, repo, path, err)
	}
	return []byte(s), nil
}

// CreateIssue opens a tracking issue.
func (in *Installation) CreateIssue(ctx context.Context, owner, repo, title, body string) (int, error) {
	labels := []string{release.IssueLabel}
	is, _, err := in.c.Issues.Create(ctx, owner, repo, &github.IssueRequest{Title: &title, Body: &body, Labels: &labels})
	if err != nil {
		return 0, fmt.Errorf("create tracking issue in %s/%s: %w", owner, repo, err)
	}
	return is.GetNumber(), nil
}

// IssueBody reads an issue's body.
func (in *Installation) IssueBody(ctx context.Context, owner, repo string, n int) (string, error) {
	is, _, err := in.c.Issues.Get(ctx, owner, repo, n)
	if err != nil {
		return "", fmt.Errorf("get issue %s/%s#%d: %w", owner, repo, n, err)
	}
	return is.GetBody(), nil
}

// EditIssueBody replaces an issue's body.
func (in *Installation) EditIssueBody(ctx context.Context, owner, repo string, n int, body string) error {
	if _, _, err := in.c.Issues.Edit(ctx, owner, repo, n, &github.IssueRequest{Body: &body}); err != nil {
		return fmt.Errorf("edit issue %s/%s#%d: %w", owner, repo, n, err)
	}
	return nil
}

// CloseIssue closes an issue with a reason ("completed", "not_planned").
func (in *Installation) CloseIssue(ctx context.Context, owner, repo string, n int, reason string) error {
	state := "closed"
	if _, _, err := in.c.Issues.Edit(ctx, owner, repo, n, &github.IssueRequest{State: &state, StateReason: &reason}); err != nil {
		return fmt.Errorf("close issue %s/%s#%d: %w", owner, repo, n, err)
	}
	return nil
}

// Permission returns a user's permission on the repo: admin, maintain,
// write, triage, read or none.
func (in *Installation) Permission(ctx context.Context, owner, repo, user string) (string, error) {
	p, resp, err := in.c.Repositories.GetPermissionLevel(ctx, owner, repo, user)
	if err != nil {
		if errors.Is(notFound(resp, err), ErrNotFound) {
			return "none", nil
		}
		return "", fmt.Errorf("permission of %s on %s/%s: %w", user, owner, repo, err)
	}
	// go-github v60 has no role_name, so maintain reads as write and
	// triage as read: the legacy field errs on the side of less access.
	return p.GetPermission(), nil
}

// TeamMember reports whether user is an active member of org/slug.
func (in *Installation) TeamMember(ctx context.Context, org, slug, user string) (bool, error) {
	m, resp, err := in.c.Teams.GetTeamMembershipBySlug(ctx, org, slug, user)
	if err != nil {
		if errors.Is(notFound(resp, err), ErrNotFound) {
			return false, nil
		}
		return false, fmt.Errorf("membership of %s in %s/%s: %w", user, org, slug, err)
	}
	return m.GetState() == "active", nil
}

// CommitTree returns the tree SHA of a commit.
func (in *Installation) CommitTree(ctx context.Context, owner, repo, sha string) (string, error) {
	c, resp, err := in.c.Git.GetCommit(ctx, owner, repo, sha)
	if err != nil {
		return "", fmt.Errorf("commit %s in %s/%s: %w", sha, owner, repo, notFound(resp, err))
	}
	return c.GetTree().GetSHA(), nil
}

// MaxCompareFiles is the most files GitHub lists for a compare; a list
// that long may be cut, so it is not taken as whole.
const MaxCompareFiles = 3000

// compareFileCap is where GitHub cuts a compare's files, whatever the
// pages: 300. A list that long may be cut, and is not taken as whole: a
// scoped sign-off is then voided, a config change looked for in the file.
const compareFileCap = 300

// CompareFiles lists the files changed between base and head (GET
// /repos/{o}/{r}/compare/{base}...{head}, paged), with renames' old
// names too. complete is false when GitHub's list may be cut.
func (in *Installation) CompareFiles(ctx context.Context, owner, repo, base, head string) (files []string, complete bool, err error) {
	opt := &github.ListOptions{PerPage: 100, Page: 1}
	listed := 0
	for pages := 0; pages < MaxCompareFiles/100+1; pages++ {
		cc, resp, err := in.c.Repositories.CompareCommits(ctx, owner, repo, base, head, opt)
		if err != nil {
			return nil, false, fmt.Errorf("compare %s...%s in %s/%s: %w", base, head, owner, repo, notFound(resp, err))
		}
		listed += len(cc.Files)
		for _, f := range cc.Files {
			files = append(files, f.GetFilename())
			if p := f.GetPreviousFilename(); p != "" {
				files = append(files, p)
			}
		}
		if resp.NextPage == 0 {
			return files, listed < compareFileCap, nil
		}
		opt.Page = resp.NextPage
	}
	return files, false, nil
}
