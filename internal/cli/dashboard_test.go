package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/server"
)

// The dashboard's tests without a browser: the OAuth flow against the
// fake GitHub's web endpoints, cookies, access checks, CSRF, exports.
// dashboard_browser_test.go drives the same pages in Chromium.

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

func TestDashboardSignInListAndRelease(t *testing.T) {
	t.Parallel()
	h := dashHarness(t, "")
	b := newBrowser(t, h.nodes[0].url)
	// Signed out: pages send people to sign in, exports answer 401.
	if resp, _ := b.do("GET", "/releases", nil); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Fatalf("GET /releases signed out: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body := b.do("GET", "/releases/Codertocat/Hello-World/2.json", nil); resp.StatusCode != http.StatusUnauthorized || strings.Contains(body, "Release 1.0") {
		t.Fatalf("export signed out: %d %s", resp.StatusCode, body)
	}
	b.signIn("sam")
	resp, body := b.do("GET", "/releases", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /releases: %d", resp.StatusCode)
	}
	for _, want := range []string{"Codertocat/Hello-World#2", "Release 1.0", "Blocked", "Security Review", "may be given by", "Signed in as <strong>sam</strong>", "Waiting on you"} {
		if !strings.Contains(body, want) {
			t.Errorf("the list lacks %q", want)
		}
	}
	if strings.Contains(body, "Nightingale") || strings.Contains(body, "acme/secret") {
		t.Error("the list shows a release in a repository sam cannot read")
	}
	// The security headers.
	for k, want := range map[string]string{"X-Frame-Options": "DENY", "Referrer-Policy": "same-origin", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q", csp)
	}
	// Filters: by repository, and waiting on me.
	if _, body := b.do("GET", "/releases?repo=nobody/else", nil); strings.Contains(body, "Release 1.0") {
		t.Error("the repo filter kept another repo's release")
	}
	if _, body := b.do("GET", "/releases?waiting=me", nil); !strings.Contains(body, "Release 1.0") {
		t.Error("sam holds security: the release waits on sam")
	}

	resp, body = b.do("GET", "/releases/Codertocat/Hello-World/2", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("release page: %d", resp.StatusCode)
	}
	for _, want := range []string{"Every item", "Sign-offs", "Ledger", "Waivers", "Audit trail", "Blocked on", "Export"} {
		if !strings.Contains(body, want) {
			t.Errorf("the release page lacks %q", want)
		}
	}
	// The exports carry the same record.
	resp, body = b.do("GET", "/releases/Codertocat/Hello-World/2.json", nil)
	var rec struct {
		Repo    string
		PR      int
		Verdict struct{ Ready bool }
		Items   []json.RawMessage
	}
	if err := json.Unmarshal([]byte(body), &rec); err != nil || resp.StatusCode != 200 {
		t.Fatalf("JSON export: %d %v", resp.StatusCode, err)
	}
	if rec.Repo != testRepo || rec.PR != prNum || rec.Verdict.Ready || len(rec.Items) < 100 {
		t.Errorf("JSON export: %s#%d ready=%v with %d items", rec.Repo, rec.PR, rec.Verdict.Ready, len(rec.Items))
	}
	resp, body = b.do("GET", "/releases/Codertocat/Hello-World/2.md", nil)
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/markdown") || !strings.Contains(body, "# Release record: Codertocat/Hello-World#2") || !strings.Contains(body, "## Sign-offs") {
		t.Errorf("Markdown export: %s\n%.300s", resp.Header.Get("Content-Type"), body)
	}
	// An approval shows on the next poll of the page's live part.
	etag := ""
	{
		resp, _ := b.do("GET", "/releases/Codertocat/Hello-World/2", nil, "X-Golive-Fragment", "1")
		etag = resp.Header.Get("ETag")
		if resp, _ := b.do("GET", "/releases/Codertocat/Hello-World/2", nil, "X-Golive-Fragment", "1", "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
			t.Errorf("an unchanged page answered %d, want 304", resp.StatusCode)
		}
	}
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.settle()
	resp, body = b.do("GET", "/releases/Codertocat/Hello-World/2", nil, "X-Golive-Fragment", "1", "If-None-Match", etag)
	if resp.StatusCode != 200 || !strings.Contains(body, "Signed</span> by sam") {
		t.Errorf("after /approve security the live part is %d without sam's sign-off", resp.StatusCode)
	}
	// sam also holds Business Owner, but one person gives one sign-off per
	// release: nothing waits on sam now.
	if _, body := b.do("GET", "/releases?waiting=me", nil); strings.Contains(body, "Release 1.0") {
		t.Error("after signing security the release still waits on sam")
	}
	if _, body := newBrowserAs(t, h, "bob").do("GET", "/releases?waiting=me", nil); !strings.Contains(body, "Release 1.0") || !strings.Contains(body, "/approve business") {
		t.Error("the release does not wait on bob, a business owner")
	}
}

// newBrowserAs is a browser signed in as login.
func newBrowserAs(t *testing.T, h *harness, login string) *browser {
	b := newBrowser(t, h.nodes[0].url)
	b.signIn(login)
	return b
}

func TestDashboardDeniesUnreadableRepo(t *testing.T) {
	t.Parallel()
	h := dashHarness(t, "")
	b := newBrowser(t, h.nodes[0].url)
	b.signIn("sam")
	for _, path := range []string{"/releases/acme/secret/7", "/releases/acme/secret/7.json", "/releases/acme/secret/7.md", "/releases/acme/secret/8", "/releases/acme/nothing/1"} {
		resp, body := b.do("GET", path, nil)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s: %d, want 403", path, resp.StatusCode)
		}
		for _, leak := range []string{"Nightingale", "carol", "nightingale", headB[:7]} {
			if strings.Contains(body, leak) {
				t.Errorf("GET %s leaks %q in its 403 body", path, leak)
			}
		}
	}
	// Hostile paths never reach GitHub.
	before := len(h.fake.Log())
	for _, path := range []string{"/releases/..%2F..%2Fuser/x/1", "/releases/acme/..%2Fsecret/7", "/releases/a%3Fb/c/1", "/releases/acme/secret/0", "/releases/acme/secret/7.exe", "/releases/acme/secret/-7"} {
		if resp, _ := b.do("GET", path, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
	if n := len(h.fake.Log()) - before; n != 0 {
		t.Errorf("hostile paths made %d GitHub requests", n)
	}
	// The fragment poll and the refresh button are checked the same way.
	if resp, body := b.do("GET", "/releases/acme/secret/7", nil, "X-Golive-Fragment", "1"); resp.StatusCode != http.StatusForbidden || strings.Contains(body, "Nightingale") {
		t.Errorf("fragment of an unreadable release: %d", resp.StatusCode)
	}
	_, page := b.do("GET", "/releases", nil)
	token := csrfRE.FindStringSubmatch(page)[1]
	if resp, _ := b.do("POST", "/releases/acme/secret/7/refresh", url.Values{"csrf": {token}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("refresh of an unreadable release: %d, want 403", resp.StatusCode)
	}
	// carol, who can read it, sees it.
	c := newBrowser(t, h.nodes[0].url)
	c.signIn("carol")
	if resp, body := c.do("GET", "/releases/acme/secret/7", nil); resp.StatusCode != 200 || !strings.Contains(body, "Nightingale") {
		t.Errorf("carol's own private release: %d", resp.StatusCode)
	}
}

func TestDashboardCSRF(t *testing.T) {
	t.Parallel()
	h := dashHarness(t, "")
	b := newBrowser(t, h.nodes[0].url)
	b.signIn("sam")
	_, page := b.do("GET", "/releases/Codertocat/Hello-World/2", nil)
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token in the page's forms")
	}
	for name, form := range map[string]url.Values{"no token": {}, "a wrong token": {"csrf": {"x" + m[1]}}} {
		if resp, _ := b.do("POST", "/releases/Codertocat/Hello-World/2/refresh", form); resp.StatusCode != http.StatusForbidden {
			t.Errorf("refresh with %s: %d, want 403", name, resp.StatusCode)
		}
		if resp, _ := b.do("POST", "/logout", form); resp.StatusCode != http.StatusForbidden {
			t.Errorf("sign-out with %s: %d, want 403", name, resp.StatusCode)
		}
	}
	// The right token, but sent by another site's page: the browser says
	// so in Sec-Fetch-Site, and it is refused.
	if resp, _ := b.do("POST", "/releases/Codertocat/Hello-World/2/refresh", url.Values{"csrf": {m[1]}}, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site POST: %d, want 403", resp.StatusCode)
	}
	if resp, _ := b.do("POST", "/releases/Codertocat/Hello-World/2/refresh", url.Values{"csrf": {m[1]}}, "Origin", "https://evil.example"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a POST from another origin: %d, want 403", resp.StatusCode)
	}
	resp, _ := b.do("POST", "/releases/Codertocat/Hello-World/2/refresh", url.Values{"csrf": {m[1]}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("refresh with the token: %d, want 303", resp.StatusCode)
	}
	h.settle()
}

func TestDashboardOAuthState(t *testing.T) {
	t.Parallel()
	h := dashHarness(t, "")
	node := h.nodes[0].url
	sealer, err := server.NewSealer((&settings{WebhookSecret: testSecret}).sessionSecret())
	if err != nil {
		t.Fatal(err)
	}
	// start begins a sign-in and returns the state cookie and a callback
	// GitHub would send.
	start := func(b *browser) (*http.Cookie, string) {
		resp, _ := b.do("GET", "/login", nil)
		var st *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "golive_state" {
				st = c
			}
		}
		return st, b.authorize(resp.Header.Get("Location"), "sam")
	}
	withState := func(cb, state string) string {
		u, _ := url.Parse(cb)
		q := u.Query()
		q.Set("state", state)
		u.RawQuery = q.Encode()
		return u.String()
	}
	t.Run("replay", func(t *testing.T) {
		// The same callback again, in another browser that holds the same
		// state cookie: the state was used.
		evil := newBrowser(t, node)
		st, cb2 := start(evil)
		if resp, _ := evil.do("GET", cb2, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("first use: %d", resp.StatusCode)
		}
		again := newBrowser(t, node)
		u, _ := url.Parse(node)
		again.c.Jar.SetCookies(&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/auth/callback"}, []*http.Cookie{{Name: "golive_state", Value: st.Value, Path: "/auth/callback"}})
		if resp, body := again.do("GET", cb2, nil); resp.StatusCode != http.StatusBadRequest || again.cookie("golive_session") != nil {
			t.Errorf("replayed callback: %d %.200s", resp.StatusCode, body)
		}
	})
	t.Run("state does not match", func(t *testing.T) {
		b := newBrowser(t, node)
		_, cb := start(b)
		if resp, _ := b.do("GET", withState(cb, "forged"), nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("forged state: %d, want 400", resp.StatusCode)
		}
	})
	t.Run("no state cookie", func(t *testing.T) {
		// Login CSRF: an attacker's callback link opened in the victim's
		// browser, which never started a sign-in.
		attacker := newBrowser(t, node)
		_, cb := start(attacker)
		victim := newBrowser(t, node)
		if resp, _ := victim.do("GET", cb, nil); resp.StatusCode != http.StatusBadRequest || victim.cookie("golive_session") != nil {
			t.Errorf("callback without its cookie: %d", resp.StatusCode)
		}
	})
	t.Run("tampered state cookie", func(t *testing.T) {
		b := newBrowser(t, node)
		st, cb := start(b)
		raw := []byte(st.Value)
		raw[len(raw)/2] ^= 1
		u, _ := url.Parse(node)
		b.c.Jar.SetCookies(&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/auth/callback"}, []*http.Cookie{{Name: "golive_state", Value: string(raw), Path: "/auth/callback"}})
		if resp, _ := b.do("GET", cb, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("tampered state cookie: %d, want 400", resp.StatusCode)
		}
	})
	t.Run("expired state", func(t *testing.T) {
		b := newBrowser(t, node)
		_, cb := start(b)
		cbURL, _ := url.Parse(cb)
		old, _ := sealer.Seal("oauth-state", map[string]any{"n": cbURL.Query().Get("state"), "next": "/releases", "exp": time.Now().Add(-time.Second)})
		u, _ := url.Parse(node)
		b.c.Jar.SetCookies(&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/auth/callback"}, []*http.Cookie{{Name: "golive_state", Value: old, Path: "/auth/callback"}})
		if resp, _ := b.do("GET", cb, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("expired state: %d, want 400", resp.StatusCode)
		}
	})
	t.Run("next stays on this site", func(t *testing.T) {
		b := newBrowser(t, node)
		for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example"} {
			resp, _ := b.do("GET", "/login?next="+url.QueryEscape(next), nil)
			resp, _ = b.do("GET", b.authorize(resp.Header.Get("Location"), "sam"), nil)
			if loc := resp.Header.Get("Location"); loc != "/releases" {
				t.Errorf("next=%q sent the browser to %q", next, loc)
			}
		}
	})
}

func TestDashboardSessionCookie(t *testing.T) {
	t.Parallel()
	h := dashHarness(t, "")
	node := h.nodes[0].url
	sealer, _ := server.NewSealer((&settings{WebhookSecret: testSecret}).sessionSecret())
	set := func(b *browser, value string) {
		u, _ := url.Parse(node)
		b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "golive_session", Value: value, Path: "/"}})
	}
	signedIn := func(b *browser) bool {
		resp, _ := b.do("GET", "/releases", nil)
		return resp.StatusCode == 200
	}
	b := newBrowser(t, node)
	b.signIn("sam")
	ck := b.cookie("golive_session")
	if ck == nil || !signedIn(b) {
		t.Fatal("no session after signing in")
	}
	t.Run("tampered", func(t *testing.T) {
		for _, i := range []int{0, len(ck.Value) / 2, len(ck.Value) - 1} {
			raw := []byte(ck.Value)
			raw[i] ^= 0x02
			x := newBrowser(t, node)
			set(x, string(raw))
			if signedIn(x) {
				t.Errorf("a cookie changed at byte %d still signs in", i)
			}
		}
	})
	t.Run("a state cookie is not a session", func(t *testing.T) {
		forged, _ := sealer.Seal("oauth-state", server.Session{ID: "x", Login: "sam", Token: "t", Issued: time.Now(), Expires: time.Now().Add(time.Hour)})
		x := newBrowser(t, node)
		set(x, forged)
		if signedIn(x) {
			t.Error("a value sealed for another purpose signs in")
		}
	})
	t.Run("expired", func(t *testing.T) {
		var s server.Session
		if err := sealer.Open("session", ck.Value, &s); err != nil {
			t.Fatal(err)
		}
		s.Issued, s.Expires = time.Now().Add(-9*time.Hour), time.Now().Add(-time.Hour)
		old, _ := sealer.Seal("session", s)
		x := newBrowser(t, node)
		set(x, old)
		if signedIn(x) {
			t.Error("an expired session still signs in")
		}
	})
	t.Run("replayed after sign-out", func(t *testing.T) {
		x := newBrowser(t, node)
		x.signIn("sam")
		saved := x.cookie("golive_session").Value
		_, page := x.do("GET", "/releases", nil)
		resp, _ := x.do("POST", "/logout", url.Values{"csrf": {csrfRE.FindStringSubmatch(page)[1]}})
		if resp.StatusCode != 200 || x.cookie("golive_session") != nil {
			t.Fatalf("sign-out: %d, cookie kept: %v", resp.StatusCode, x.cookie("golive_session") != nil)
		}
		set(x, saved)
		if signedIn(x) {
			t.Error("the cookie of a signed-out session signs in again")
		}
	})
	t.Run("token revoked on GitHub", func(t *testing.T) {
		x := newBrowser(t, node)
		x.signIn("victor")
		var s server.Session
		sealer.Open("session", x.cookie("golive_session").Value, &s)
		h.fake.RevokeUserToken(s.Token)
		// Not cached yet for this repo and token: asked now.
		resp, _ := x.do("GET", "/releases/Codertocat/Hello-World/2", nil)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("a revoked token: %d, want 401", resp.StatusCode)
		}
	})
}

// TestDashboardSecureCookie: behind TLS (an https public URL) the session
// cookie is Secure, host-only (__Host-), HttpOnly, SameSite=Lax, and
// lives at most 8 hours; the check run's Details link is the dashboard.
func TestDashboardSecureCookie(t *testing.T) {
	t.Parallel()
	h := dashHarness(t, "https://golive.example.test")
	b := newBrowser(t, h.nodes[0].url)
	resp, _ := b.do("GET", "/login", nil)
	au, _ := url.Parse(resp.Header.Get("Location"))
	q := au.Query()
	if q.Get("redirect_uri") != "https://golive.example.test/auth/callback" || q.Get("client_id") != testClientID {
		t.Errorf("authorize URL %s", au)
	}
	var state *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "golive_state" {
			state = c
		}
	}
	if state == nil || !state.Secure || !state.HttpOnly || state.SameSite != http.SameSiteLaxMode || state.MaxAge != 600 {
		t.Fatalf("state cookie %+v", state)
	}
	cb, _ := url.Parse(b.authorize(au.String(), "sam"))
	// The browser would reach golive at its public URL; the test calls the
	// node itself with the cookie a browser would send.
	resp, _ = b.do("GET", "/auth/callback?"+cb.RawQuery, nil, "Cookie", "golive_state="+state.Value)
	var sess *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-golive_session" {
			sess = c
		}
	}
	if sess == nil || !sess.Secure || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" || sess.Domain != "" || sess.MaxAge <= 0 || sess.MaxAge > 8*3600 {
		t.Fatalf("session cookie %+v", sess)
	}
	if hsts := resp.Header.Get("Strict-Transport-Security"); hsts == "" {
		t.Error("no HSTS behind TLS")
	}
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, c := range repos[testRepo].CheckRuns {
			if c.Name == "golive/readiness" && c.DetailsURL != "https://golive.example.test/releases/Codertocat/Hello-World/2" {
				t.Errorf("check run details_url %q, want the release's dashboard page", c.DetailsURL)
			}
		}
	})
}
