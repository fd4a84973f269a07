package githubfake_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/githubfake"
)

func loadSpec(t *testing.T) *githubfake.Spec {
	t.Helper()
	s, err := githubfake.LoadSpec("../../testdata/openapi/api.github.com.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSpecRefusesUnknownRequests: the fake answers a request GitHub does
// not define with 422 and records it, so a test can fail on it.
func TestSpecRefusesUnknownRequests(t *testing.T) {
	f := githubfake.New(loadSpec(t))
	defer f.Close()
	f.AddRepo("o", "r")
	for _, tc := range []struct {
		method, path, body string
		ok                 bool
	}{
		{"POST", "/repos/o/r/check-runs", `{"name":"golive/readiness","head_sha":"abc"}`, true},
		{"POST", "/repos/o/r/check-runs", `{"nam":"golive/readiness"}`, false},
		{"POST", "/repos/o/r/check-runs", `{"name":"x","head_sha":"abc","status":"done"}`, false},
		{"GET", "/repos/o/r/not-an-endpoint", ``, false},
		{"DELETE", "/repos/o/r/issues/1", ``, false},
		{"PATCH", "/repos/o/r/issues/1", `{"body":"x"}`, true},
	} {
		req, _ := http.NewRequest(tc.method, f.Server.URL+tc.path, bytes.NewBufferString(tc.body))
		if tc.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		before := len(f.Violations())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		violated := len(f.Violations()) > before
		if violated == tc.ok {
			t.Errorf("%s %s %s: got violation=%v (status %d), want %v", tc.method, tc.path, tc.body, violated, resp.StatusCode, !tc.ok)
		}
		if !tc.ok && resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s %s: got status %d, want 422", tc.method, tc.path, resp.StatusCode)
		}
	}
	if got := f.Count("POST /repos/{owner}/{repo}/check-runs"); got != 1 {
		t.Errorf("counted %d check-run creations, want 1 (refused requests are not counted)", got)
	}
	if v := f.Violations(); len(v) == 0 || !strings.Contains(v[0], "breaks GitHub's schema") {
		t.Errorf("violations: %q", v)
	}
}
