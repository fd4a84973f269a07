package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/app"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/server"
)

// unwritablePath is a path no one can create, not even root (the tests
// may run as root, for whom a read-only directory is writable): a file
// under a regular file.
func unwritablePath(t *testing.T) string {
	f := filepath.Join(t.TempDir(), "plain-file")
	if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(f, "creds.json")
}

// TestServeSetupRefusesUnwritableCredentials: serve finds out at start-up,
// before anyone creates an App, that /setup could not save it.
func TestServeSetupRefusesUnwritableCredentials(t *testing.T) {
	t.Parallel()
	path := unwritablePath(t)
	env := map[string]string{"GOLIVE_PUBLIC_URL": "https://golive.example", "GOLIVE_CREDENTIALS_FILE": path, "GOLIVE_METRICS_ADDR": "off"}
	var out, errb bytes.Buffer
	// Bounded: were the check missing, serve would offer /setup until then.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code := Run(ctx, []string{"serve", "--listen", "127.0.0.1:0"}, func(k string) string { return env[k] }, nil, &out, &errb)
	if code != exitFailure || !strings.Contains(errb.String(), "GOLIVE_CREDENTIALS_FILE="+path) || !strings.Contains(errb.String(), "writable volume") {
		t.Errorf("exit %d, %q; want a refusal naming GOLIVE_CREDENTIALS_FILE and its path", code, errb.String())
	}
}

// TestSetupShowsCredentialsWhenSaveFails: the exchange is done and GitHub
// will not show the key again, so the callback shows the credentials once,
// says how to store them, and logs the failure (without the secrets).
func TestSetupShowsCredentialsWhenSaveFails(t *testing.T) {
	t.Parallel()
	fake := githubfake.New(loadSpec(t))
	t.Cleanup(func() {
		fake.Close()
		for _, v := range fake.Violations() {
			t.Errorf("golive sent a request GitHub does not define: %s", v)
		}
	})
	path := unwritablePath(t)
	var logs bytes.Buffer
	st := &settings{Settings: app.Settings{GitHubAPI: fake.URL(), CredsFile: path}}
	h := server.NewSetup(newSetup(st, "https://golive.example", slog.New(slog.NewJSONHandler(&logs, nil))))
	get := func(p string) (int, http.Header, string) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, p, nil))
		b, _ := io.ReadAll(w.Body)
		return w.Code, w.Header(), string(b)
	}
	_, _, page := get("/setup")
	m := regexp.MustCompile(`state=([0-9a-f]{48})`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no state in the page:\n%s", page)
	}
	code, hdr, body := get("/setup/callback?code=c9&state=" + m[1])
	if code != http.StatusInternalServerError {
		t.Errorf("callback: %d, want 500", code)
	}
	for _, want := range []string{"PRIVATE KEY", "whsec-0123456789-c9", "4242", "only this once", "GOLIVE_PRIVATE_KEY", path} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q:\n%s", want, body)
		}
	}
	if hdr.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q, want no-store: the page holds a private key", hdr.Get("Cache-Control"))
	}
	if !strings.Contains(logs.String(), "could not save") || !strings.Contains(logs.String(), path) {
		t.Errorf("the failure is not logged: %q", logs.String())
	}
	if strings.Contains(logs.String(), "PRIVATE KEY") || strings.Contains(logs.String(), "whsec-") {
		t.Errorf("the log holds a secret: %q", logs.String())
	}
	if code, _, _ := get("/setup/callback?code=c9&state=" + m[1]); code != http.StatusForbidden {
		t.Errorf("the state again after a completed exchange: %d, want 403", code)
	}
}
