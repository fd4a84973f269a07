package e2e

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
)

const secretRepo = "acme/secret"

// dashHarness is a release in Codertocat/Hello-World that "sam" can read,
// and one in the private acme/secret that sam cannot.
func dashHarness(t *testing.T, public string) *harness {
	t.Helper()
	h := newHarness(t, harnessOpts{dashboard: true, public: public})
	signers(h)
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.fake.AddRepo("acme", "secret").Private = true
	h.fake.Do(func(repos map[string]*githubfake.Repo) { repos[secretRepo].Perms["carol"] = "admin" })
	h.fake.AddPull(secretRepo, &githubfake.Pull{Number: 7, Title: "Release Project Nightingale", Author: "carol", HeadRef: "release/nightingale", BaseRef: "main", HeadSHA: headB})
	h.send("pull_request", payload(t, "pull_request/opened.json", func(m map[string]any) {
		set(m, "repository.name", "secret")
		set(m, "repository.full_name", secretRepo)
		set(m, "repository.owner.login", "acme")
		set(m, "repository.private", true)
		set(m, "pull_request.number", 7)
		set(m, "number", 7)
		set(m, "pull_request.head.ref", "release/nightingale")
		set(m, "pull_request.head.sha", headB)
		set(m, "pull_request.base.ref", "main")
		set(m, "pull_request.title", "Release Project Nightingale")
		set(m, "pull_request.user.login", "carol")
	}))
	h.settle()
	return h
}

// browser is an HTTP client with cookies that does not follow redirects.
type browser struct {
	t    *testing.T
	c    *http.Client
	base string
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, u string, form url.Values, hdr ...string) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	if strings.HasPrefix(u, "/") {
		u = b.base + u
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, string(out)
}

// authorize answers the fake GitHub's authorize page, to which golive's
// /login sent the browser (auth), as login; it returns the callback URL
// GitHub redirects to.
func (b *browser) authorize(auth, login string) string {
	b.t.Helper()
	au, _ := url.Parse(auth)
	q := au.Query()
	resp, _ := b.do("POST", au.Scheme+"://"+au.Host+"/login/oauth/authorize", url.Values{
		"client_id": {q.Get("client_id")}, "redirect_uri": {q.Get("redirect_uri")}, "state": {q.Get("state")}, "login": {login}})
	return resp.Header.Get("Location")
}

// signIn runs the OAuth web flow as login and returns the callback URL
// it used (code and state), so a test can replay it.
func (b *browser) signIn(login string) string {
	b.t.Helper()
	resp, _ := b.do("GET", "/login?next=/releases", nil)
	auth := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.Contains(auth, "/login/oauth/authorize?") {
		b.t.Fatalf("GET /login: %d to %q, want a redirect to GitHub's authorize page", resp.StatusCode, auth)
	}
	callback := b.authorize(auth, login)
	resp, _ = b.do("GET", callback, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/releases" {
		b.t.Fatalf("callback: %d to %q, want 303 to /releases", resp.StatusCode, resp.Header.Get("Location"))
	}
	return callback
}

func (b *browser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.base)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// newBrowserAs is a browser signed in as login.
func newBrowserAs(t *testing.T, h *harness, login string) *browser {
	b := newBrowser(t, h.nodes[0].url)
	b.signIn(login)
	return b
}
