package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/app"
	"github.com/ag06mixer/golive/internal/server"
)

// The dashboard's tests without a browser: the OAuth flow against the
// fake GitHub's web endpoints, cookies, access checks, CSRF, exports.
// dashboard_browser_test.go drives the same pages in Chromium.

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
	sealer, err := server.NewSealer((&app.Settings{WebhookSecret: testSecret}).SessionKey())
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
