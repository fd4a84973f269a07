package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/overview"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/server"
)

type signInAccounts struct{}

func (signInAccounts) AuthorizeURL(state, redirectURI string) string {
	return "https://github.example/login/oauth/authorize?" + url.Values{"state": {state}, "redirect_uri": {redirectURI}}.Encode()
}
func (signInAccounts) Exchange(context.Context, string, string) (string, time.Duration, error) {
	return "ghu_token", 0, nil
}
func (signInAccounts) User(context.Context, string) (string, int64, error) { return "sam", 7, nil }
func (signInAccounts) CanRead(context.Context, string, string, string) (bool, error) {
	return true, nil
}

type memMarks struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (m *memMarks) Lease(_ context.Context, name string, _ time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen[name] {
		return false, nil
	}
	m.seen[name] = true
	return true, nil
}
func (m *memMarks) CacheGet(context.Context, string) ([]byte, bool, error) { return nil, false, nil }
func (m *memMarks) CacheSet(context.Context, string, []byte, time.Duration) error {
	return nil
}

type noReleases struct{}

func (noReleases) Open(context.Context) ([]release.Key, error) { return nil, nil }
func (noReleases) Overview(context.Context, release.Key, string) (*overview.Release, []string, error) {
	return nil, nil, nil
}
func (noReleases) Refresh(context.Context, release.Key, string) error { return nil }

// browserTarget is where a browser on public goes for a Location: as the
// URL standard reads it for https: tabs and newlines removed, "\" read
// as "/", and two or more leading slashes start a host. Nil: no browser
// would follow it.
func browserTarget(public, loc string) *url.URL {
	loc = strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r':
			return -1
		case '\\':
			return '/'
		}
		return r
	}, strings.TrimSpace(loc))
	if rest := strings.TrimLeft(loc, "/"); len(loc)-len(rest) >= 2 {
		loc = "//" + rest
	}
	base, _ := url.Parse(public)
	ref, err := url.Parse(loc)
	if err != nil {
		return nil
	}
	return base.ResolveReference(ref)
}

// TestSignInRedirectStaysOnSite signs in with a hostile next and follows
// the redirect golive gives after the callback, read as a browser reads
// it: it must land on this site, at /releases.
func TestSignInRedirectStaysOnSite(t *testing.T) {
	const public = "https://golive.example"
	sealer, err := server.NewSealer([]byte(strings.Repeat("s", 32)))
	if err != nil {
		t.Fatal(err)
	}
	h := server.New(server.Deps{Dashboard: &server.Dashboard{Releases: noReleases{}, Accounts: signInAccounts{},
		Marks: &memMarks{seen: map[string]bool{}}, Sealer: sealer, PublicURL: public}})
	signIn := func(rawNext string) string {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, public+"/login?next="+rawNext, nil))
		if w.Code != http.StatusFound {
			t.Fatalf("GET /login?next=%s: %d", rawNext, w.Code)
		}
		auth, _ := url.Parse(w.Header().Get("Location"))
		req := httptest.NewRequest(http.MethodGet, public+"/auth/callback?"+url.Values{"code": {"c"}, "state": {auth.Query().Get("state")}}.Encode(), nil)
		for _, ck := range w.Result().Cookies() {
			req.AddCookie(ck)
		}
		w = httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("callback for next=%s: %d %s", rawNext, w.Code, w.Body)
		}
		return w.Header().Get("Location")
	}
	// Each is the raw query value, as an attacker puts it in a link.
	hostile := []string{
		"/%09/evil.example/", "/%0A/evil.example/", "/%0D/evil.example/", "%09//evil.example/",
		"//evil.example/", "///evil.example/", "%2F%2Fevil.example/", "/%2F/evil.example/",
		"/%5Cevil.example/", "%5C%5Cevil.example/", "/%5C/evil.example/", "/%09%5C/evil.example",
		"https://evil.example/", "https:evil.example", "javascript:alert(1)", "evil.example",
		"/%252F%252Fevil.example", "/%25%32%46/evil.example", "/%2509/evil.example",
		"%20//evil.example", "/%20/evil.example", "/%00//evil.example", "/%7F//evil.example",
		"/%C2%A0/evil.example", "",
	}
	for _, next := range hostile {
		loc := signIn(next)
		if got := browserTarget(public, loc); got == nil || got.Host != "golive.example" || loc != "/releases" {
			t.Errorf("next=%s: Location %q takes the browser to %s, want /releases on this site", next, loc, got)
		}
	}
	for next, want := range map[string]string{
		"/releases":                       "/releases",
		"%2Freleases%2Fo%2Fr%2F1":         "/releases/o/r/1",
		"/releases/o/r/1%3Frefreshed%3D1": "/releases/o/r/1?refreshed=1",
		"/releases/o/r/1%23top":           "/releases/o/r/1",
		"/releases/my-org/my.repo/12":     "/releases/my-org/my.repo/12",
	} {
		if loc := signIn(next); loc != want {
			t.Errorf("next=%s: Location %q, want %q", next, loc, want)
		}
	}
}
