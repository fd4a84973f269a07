package githubfake_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/githubfake"
)

// TestLimits: the fake refuses, as GitHub does, with 422 and without
// keeping anything, an issue body or comment over 65,536 characters, a
// check run summary or text over 65,535, and invalid fields; at the limit
// it accepts. Characters, not bytes, are counted.
func TestLimits(t *testing.T) {
	f := githubfake.New(loadSpec(t))
	defer f.Close()
	f.AddRepo("o", "r")
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	body := func(n int) string { return strings.Repeat("é", n) } // 2 bytes, 1 character
	output := func(summary, text string) map[string]any {
		return map[string]any{"title": "t", "summary": summary, "text": text}
	}
	check := func(o map[string]any) string {
		return js(map[string]any{"name": "golive/readiness", "head_sha": "abc", "status": "completed", "conclusion": "failure", "output": o})
	}
	for _, tc := range []struct {
		name, method, path, body string
		want                     int
	}{
		{"issue at the limit", "POST", "/repos/o/r/issues", js(map[string]any{"title": "t", "body": body(githubfake.MaxBody)}), 201},
		{"issue over the limit", "POST", "/repos/o/r/issues", js(map[string]any{"title": "t", "body": body(githubfake.MaxBody + 1)}), 422},
		{"issue edit over the limit", "PATCH", "/repos/o/r/issues/1000", js(map[string]any{"body": body(githubfake.MaxBody + 1)}), 422},
		{"issue edit at the limit", "PATCH", "/repos/o/r/issues/1000", js(map[string]any{"body": body(githubfake.MaxBody)}), 200},
		{"issue without a title", "POST", "/repos/o/r/issues", js(map[string]any{"title": "", "body": "x"}), 422},
		{"comment at the limit", "POST", "/repos/o/r/issues/1/comments", js(map[string]any{"body": body(githubfake.MaxBody)}), 201},
		{"comment over the limit", "POST", "/repos/o/r/issues/1/comments", js(map[string]any{"body": body(githubfake.MaxBody + 1)}), 422},
		{"blank comment", "POST", "/repos/o/r/issues/1/comments", js(map[string]any{"body": ""}), 422},
		{"check summary at the limit", "POST", "/repos/o/r/check-runs", check(output(body(githubfake.MaxCheckText), "")), 201},
		{"check summary over the limit", "POST", "/repos/o/r/check-runs", check(output(body(githubfake.MaxCheckText+1), "")), 422},
		{"check text over the limit", "POST", "/repos/o/r/check-runs", check(output("s", body(githubfake.MaxCheckText+1))), 422},
		{"check update over the limit", "PATCH", "/repos/o/r/check-runs/1", check(output(body(githubfake.MaxCheckText+1), "")), 422},
		{"completed without a conclusion", "POST", "/repos/o/r/check-runs", js(map[string]any{"name": "x", "head_sha": "abc", "status": "completed"}), 422},
		{"output without a summary", "POST", "/repos/o/r/check-runs", js(map[string]any{"name": "x", "head_sha": "abc", "status": "completed", "conclusion": "success", "output": map[string]any{"title": "t"}}), 422},
	} {
		before := len(f.Refused())
		req, _ := http.NewRequest(tc.method, f.Server.URL+tc.path, bytes.NewBufferString(tc.body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
		if refused := len(f.Refused()) > before; refused != (tc.want == 422) {
			t.Errorf("%s: recorded as refused: %v", tc.name, refused)
		}
	}
	r := f.Repo("o/r")
	if len(r.Issues) != 1 || len(r.Comments) != 1 || len(r.CheckRuns) != 1 {
		t.Errorf("refused writes were kept: %d issues, %d comments, %d check runs", len(r.Issues), len(r.Comments), len(r.CheckRuns))
	}
	if v := f.Violations(); len(v) != 0 {
		t.Errorf("limits are GitHub's answers, not violations of its API description: %q", v)
	}
}

// TestDeletedIssue: a deleted issue answers 410 (or 404) to reads, edits
// and comments, leaves the lists, and its number is never reused.
func TestDeletedIssue(t *testing.T) {
	f := githubfake.New(loadSpec(t))
	defer f.Close()
	f.AddRepo("o", "r")
	do := func(method, path, body string) int {
		req, _ := http.NewRequest(method, f.Server.URL+path, bytes.NewBufferString(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := do("POST", "/repos/o/r/issues", `{"title":"t","body":"b"}`); got != 201 {
		t.Fatal(got)
	}
	f.Do(func(repos map[string]*githubfake.Repo) { repos["o/r"].DeleteIssue(1000, 410) })
	for _, tc := range [][3]string{{"GET", "/repos/o/r/issues/1000", ""}, {"PATCH", "/repos/o/r/issues/1000", `{"body":"x"}`}, {"POST", "/repos/o/r/issues/1000/comments", `{"body":"x"}`}} {
		if got := do(tc[0], tc[1], tc[2]); got != 410 {
			t.Errorf("%s %s: got %d, want 410", tc[0], tc[1], got)
		}
	}
	do("POST", "/repos/o/r/issues", `{"title":"t","body":"b"}`)
	if r := f.Repo("o/r"); len(r.Issues) != 1 || r.Issues[0].Number != 1001 {
		t.Errorf("after the delete: %+v", r.Issues)
	}
}
