package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/app"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/server"
)

// TestSetupManifestFlow registers the App through /setup against the fake
// GitHub: a foreign or replayed state is refused, the credentials land in
// a file only the owner can read, and setup closes once they exist.
func TestSetupManifestFlow(t *testing.T) {
	t.Parallel()
	fake := githubfake.New(loadSpec(t))
	t.Cleanup(func() {
		fake.Close()
		for _, v := range fake.Violations() {
			t.Errorf("golive sent a request GitHub does not define: %s", v)
		}
	})
	creds := filepath.Join(t.TempDir(), "creds.json")
	st := &settings{Settings: app.Settings{GitHubAPI: fake.URL(), CredsFile: creds}}
	h := server.NewSetup(newSetup(st, "https://golive.example", nil))
	get := func(path string) (int, string) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		b, _ := io.ReadAll(w.Body)
		return w.Code, string(b)
	}
	stateOf := func(page string) string {
		m := regexp.MustCompile(`state=([0-9a-f]{48})`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no state in the page:\n%s", page)
		}
		return m[1]
	}
	code, page := get("/setup?org=acme")
	if code != 200 || !strings.Contains(page, "/organizations/acme/settings/apps/new") || !strings.Contains(page, "https://golive.example/webhook") {
		t.Fatalf("setup page %d:\n%s", code, page)
	}
	if !strings.Contains(page, "https://golive.example/auth/callback") {
		t.Error("the manifest does not name the dashboard's sign-in callback")
	}
	if strings.Contains(page, "x-golive-reasons") {
		t.Error("golive's notes are posted to GitHub")
	}
	s1 := stateOf(page)
	_, page = get("/setup")
	s2 := stateOf(page)
	if code, _ := get("/setup?org=" + "a%22%3E%3Cscript%3E"); code != http.StatusBadRequest {
		t.Errorf("a hostile org name: %d, want 400", code)
	}

	if code, _ := get("/setup/callback?code=c1&state=" + strings.Repeat("ab", 24)); code != http.StatusForbidden {
		t.Errorf("foreign state: %d, want 403", code)
	}
	fake.Inject(&githubfake.Fault{Match: "POST /app-manifests", Status: 502, Times: 1})
	if code, _ := get("/setup/callback?code=c1&state=" + s1); code != http.StatusBadGateway {
		t.Errorf("GitHub failing the exchange: %d, want 502", code)
	}
	// A failed exchange does not use up the state: reloading tries again.
	if code, body := get("/setup/callback?code=c2&state=" + s1); code != http.StatusOK {
		t.Fatalf("callback again after GitHub failed once: %d %s", code, body)
	}
	fi, err := os.Stat(creds)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("credentials file mode %v, want 0600", fi.Mode().Perm())
	}
	loaded := &settings{Settings: app.Settings{CredsFile: creds, Workers: 1}}
	if err := loaded.check(); err != nil {
		t.Fatalf("serve would refuse the saved credentials: %v", err)
	}
	if loaded.AppID != 4242 || loaded.WebhookSecret != "whsec-0123456789-c2" || !strings.Contains(string(loaded.PrivateKey), "PRIVATE KEY") {
		t.Errorf("loaded %d %q %q", loaded.AppID, loaded.WebhookSecret, loaded.PrivateKey)
	}
	if code, _ := get("/setup"); code != http.StatusConflict {
		t.Errorf("setup after credentials exist: %d, want 409", code)
	}
	if code, _ := get("/setup/callback?code=c3&state=" + s2); code != http.StatusConflict {
		t.Errorf("callback after credentials exist: %d, want 409", code)
	}
}

// TestServeWithoutCredentials: some credentials but not all is an error
// naming each missing one; none at all needs a public URL for /setup.
func TestServeWithoutCredentials(t *testing.T) {
	t.Parallel()
	st := &settings{Settings: app.Settings{AppID: 7, Workers: 1}}
	err := st.check()
	if err == nil || !strings.Contains(err.Error(), "GOLIVE_WEBHOOK_SECRET") || !strings.Contains(err.Error(), "GOLIVE_PRIVATE_KEY_FILE") || strings.Contains(err.Error(), "GOLIVE_APP_ID") {
		t.Errorf("check: %v", err)
	}
}
