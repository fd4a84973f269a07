package webhook

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

func payload(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "webhooks", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var received = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// TestParseRealPayloads feeds GitHub's published payloads through Parse.
func TestParseRealPayloads(t *testing.T) {
	cases := []struct {
		event, file string
		kind        release.EventKind
		prs         []int
		sha         string
		ignore      bool
	}{
		{"pull_request", "pull_request/opened.json", release.EvPR, []int{2}, "ec26c3e57ca3a959ca5aad62de7213c562f8c821", false},
		{"pull_request", "pull_request/synchronize.json", release.EvPR, nil, "", false},
		{"pull_request", "pull_request/closed.json", release.EvClosed, nil, "", false},
		{"pull_request", "pull_request/labeled.json", release.EvPR, nil, "", false},
		{"pull_request", "pull_request/ready_for_review.json", release.EvPR, nil, "", false},
		{"check_run", "check_run/completed.json", release.EvCheck, []int{2}, "ec26c3e57ca3a959ca5aad62de7213c562f8c821", false},
		{"check_run", "check_run/created.json", release.EvCheck, nil, "", false},
		{"check_suite", "check_suite/completed.json", release.EvCheck, []int{2}, "ec26c3e57ca3a959ca5aad62de7213c562f8c821", false},
		{"status", "status/payload.json", release.EvCheck, nil, "6113728f27ae82c7b1a177c8d03f9e96e0adf246", false},
		{"deployment_status", "deployment_status/created.json", release.EvDeploy, nil, "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", false},
		{"issues", "issues/opened.json", "", nil, "", true},
		{"push", "push/payload.json", "", nil, "", true},
		{"issue_comment", "issue_comment/created.json", "", nil, "", true}, // not on a golive issue
		{"issue_comment", "issue_comment/edited.json", "", nil, "", true},
		{"issue_comment", "issue_comment/deleted.json", "", nil, "", true},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			p, err := Parse(c.event, payload(t, c.file), received)
			if err != nil {
				t.Fatal(err)
			}
			if (p.Ignore != "") != c.ignore {
				t.Fatalf("Ignore = %q, want ignored=%v", p.Ignore, c.ignore)
			}
			if c.ignore {
				return
			}
			if p.Event.Kind != c.kind {
				t.Errorf("kind = %q, want %q", p.Event.Kind, c.kind)
			}
			if c.prs != nil && !slices.Equal(p.PRs, c.prs) {
				t.Errorf("PRs = %v, want %v", p.PRs, c.prs)
			}
			if c.sha != "" && p.SHA != c.sha {
				t.Errorf("SHA = %q, want %q", p.SHA, c.sha)
			}
			if p.Owner != "Codertocat" || p.Repo != "Hello-World" {
				t.Errorf("repo = %s/%s", p.Owner, p.Repo)
			}
			if p.Event.At.IsZero() {
				t.Error("no time")
			}
		})
	}
}

func TestParseDetails(t *testing.T) {
	p, err := Parse("check_run", payload(t, "check_run/completed.json"), received)
	if err != nil {
		t.Fatal(err)
	}
	c := p.Event.Check
	if c.Name != "Octocoders-linter" || !c.Passed() || c.Kind != "check_run" || c.At.Equal(received) {
		t.Errorf("check = %+v", c)
	}
	p, _ = Parse("status", payload(t, "status/payload.json"), received)
	if c := p.Event.Check; c.Name != "default" || !c.Passed() || c.Kind != "status" {
		t.Errorf("status = %+v", c)
	}
	p, _ = Parse("deployment_status", payload(t, "deployment_status/created.json"), received)
	if d := p.Event.Deploy; d.Environment != "production" || d.State != "success" || p.Ref != "master" {
		t.Errorf("deploy = %+v ref %q", d, p.Ref)
	}
	p, _ = Parse("pull_request", payload(t, "pull_request/synchronize.json"), received)
	if !p.Event.PR.Synchronize || p.Event.PR.HeadRef == "" {
		t.Errorf("synchronize = %+v", p.Event.PR)
	}
	// A rerun of a CI check unticks its item until the new result.
	b := strings.Replace(string(payload(t, "check_run/completed.json")), `"action": "completed"`, `"action": "rerequested"`, 1)
	p, _ = Parse("check_run", []byte(b), received)
	if c := p.Event.Check; c.Passed() || c.Status != "queued" {
		t.Errorf("rerequested = %+v", c)
	}
	// Re-run of golive's own check refreshes the release.
	b = strings.Replace(b, `"name": "Octocoders-linter"`, `"name": "golive/readiness"`, 1)
	p, _ = Parse("check_run", []byte(b), received)
	if p.Event.Kind != release.EvRefresh || !slices.Equal(p.PRs, []int{2}) {
		t.Errorf("own rerequested = %+v %v", p.Event.Kind, p.PRs)
	}
}

func TestParseIssueEdited(t *testing.T) {
	raw := string(payload(t, "issues/edited.checkbox-ticked.json"))
	p, err := Parse("issues", []byte(raw), received)
	if err != nil {
		t.Fatal(err)
	}
	if p.Ignore == "" {
		t.Fatal("an issue without golive's marker must be ignored")
	}
	// Put golive's marker into the body and the previous body.
	marker := "<!-- golive:release kesin11-bot-dev/probot-test-target7#5 -->\\n"
	raw = strings.Replace(raw, `"body": "`, `"body": "`+marker, -1)
	raw = strings.Replace(raw, `"from": "`, `"from": "`+marker, 1)
	p, err = Parse("issues", []byte(raw), received)
	if err != nil {
		t.Fatal(err)
	}
	if p.Ignore != "" || p.Event.Kind != release.EvIssueEdited || !slices.Equal(p.PRs, []int{5}) {
		t.Fatalf("parsed = %+v", p)
	}
	if p.Event.Body == p.Event.PrevBody || !strings.Contains(p.Event.PrevBody, "golive:release") {
		t.Errorf("bodies not carried: %q / %q", p.Event.Body, p.Event.PrevBody)
	}
}

func TestParseMalformed(t *testing.T) {
	for _, body := range []string{`{`, `[]`, `{"action":"opened"}`, `{"action":"opened","pull_request":{"number":"x"}}`} {
		_, err := Parse("pull_request", []byte(body), received)
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", body, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"pull_request/opened.json", "check_run/completed.json", "status/payload.json"} {
		f.Add("pull_request", payload(f, name))
	}
	f.Fuzz(func(t *testing.T, event string, b []byte) {
		p, err := Parse(event, b, received)
		if err == nil && p.Ignore == "" && p.Owner == "" {
			t.Fatal("accepted without a repository")
		}
	})
}
