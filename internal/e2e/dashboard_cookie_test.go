package e2e

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/app"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/server"
)

func TestDashboardSessionCookie(t *testing.T) {
	t.Parallel()
	h := dashHarness(t, "")
	node := h.nodes[0].url
	sealer, _ := server.NewSealer((&app.Settings{WebhookSecret: testSecret}).SessionKey())
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
