package githubapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// ErrBadCredentials means GitHub no longer accepts a user's token: it
// expired or the user revoked the App's authorization.
var ErrBadCredentials = errors.New("GitHub rejected the user's token")

// Accounts signs people in with the App's OAuth client (the web flow of
// "Generating a user access token for a GitHub App") and asks GitHub,
// with the person's own token, what they may read. A user token of a
// GitHub App sees only what both the person and the App can see.
type Accounts struct {
	api, web               string
	clientID, clientSecret string
	hc                     *http.Client
}

// NewAccounts returns the sign-in client. apiURL is the REST root, webURL
// GitHub's web root (where /login/oauth lives).
func NewAccounts(apiURL, webURL, clientID, clientSecret string) *Accounts {
	return &Accounts{api: apiURL, web: strings.TrimSuffix(webURL, "/"), clientID: clientID, clientSecret: clientSecret,
		hc: &http.Client{Timeout: 15 * time.Second}}
}

// AuthorizeURL is where the browser goes to sign in.
func (a *Accounts) AuthorizeURL(state, redirectURI string) string {
	q := url.Values{"client_id": {a.clientID}, "redirect_uri": {redirectURI}, "state": {state}}
	return a.web + "/login/oauth/authorize?" + q.Encode()
}

// UserToken is a user access token and how long GitHub says it lasts
// (zero when it does not expire).
type UserToken struct {
	Value   string
	Expires time.Duration
}

// Exchange trades the code GitHub sent back for the user's token.
func (a *Accounts) Exchange(ctx context.Context, code, redirectURI string) (UserToken, error) {
	form := url.Values{"client_id": {a.clientID}, "client_secret": {a.clientSecret}, "code": {code}, "redirect_uri": {redirectURI}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.web+"/login/oauth/access_token", strings.NewReader(form.Encode()))
	if err != nil {
		return UserToken{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := a.hc.Do(req)
	if err != nil {
		return UserToken{}, fmt.Errorf("exchange the sign-in code: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	// GitHub answers 200 with an "error" field for a bad code (seen in its
	// docs, 2026-11): the status alone says nothing.
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&out); err != nil {
		return UserToken{}, fmt.Errorf("exchange the sign-in code: %s: %w", resp.Status, err)
	}
	if out.Error != "" || out.AccessToken == "" {
		return UserToken{}, fmt.Errorf("exchange the sign-in code: %s %s", out.Error, out.Description)
	}
	return UserToken{Value: out.AccessToken, Expires: time.Duration(out.ExpiresIn) * time.Second}, nil
}

func (a *Accounts) client(token string) (*github.Client, error) {
	c, err := github.NewClient(a.hc).WithAuthToken(token).WithEnterpriseURLs(a.api, a.api)
	if err != nil {
		return nil, fmt.Errorf("GitHub base URL %q: %w", a.api, err)
	}
	c.BaseURL, _ = c.BaseURL.Parse(a.api) // as App: no "api/v3/" added to a bare host
	return c, nil
}

// User returns who the token belongs to.
func (a *Accounts) User(ctx context.Context, token string) (login string, id int64, err error) {
	c, err := a.client(token)
	if err != nil {
		return "", 0, err
	}
	u, resp, err := c.Users.Get(ctx, "")
	if resp != nil && resp.StatusCode == http.StatusUnauthorized {
		return "", 0, ErrBadCredentials
	}
	if err != nil {
		return "", 0, fmt.Errorf("read the signed-in user: %w", err)
	}
	return u.GetLogin(), u.GetID(), nil
}

// CanRead asks GitHub, as the user, whether they can read owner/repo.
// GitHub answers 404 for a private repository the user cannot see.
func (a *Accounts) CanRead(ctx context.Context, token, owner, repo string) (bool, error) {
	c, err := a.client(token)
	if err != nil {
		return false, err
	}
	r, resp, err := c.Repositories.Get(ctx, owner, repo)
	if resp != nil {
		switch resp.StatusCode {
		case http.StatusUnauthorized:
			return false, ErrBadCredentials
		case http.StatusNotFound, http.StatusForbidden:
			return false, nil
		}
	}
	if err != nil {
		return false, fmt.Errorf("read %s/%s as the user: %w", owner, repo, err)
	}
	// A public repository has no permissions for a stranger's token on
	// some GitHub versions; being served it is reading it.
	if p := r.GetPermissions(); p != nil {
		return p["pull"] || !r.GetPrivate(), nil
	}
	return true, nil
}
