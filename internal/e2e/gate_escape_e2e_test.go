package e2e

import (
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/release"
)

// TestE2EStatusTargetURLCannotForgeTicks: a commit status is the one piece
// of evidence anyone with push rights (or any workflow) can write with free
// text, and before #15 its target_url reached the issue body raw. A newline
// in it added a ticked item line for a sign-off and a second ledger line,
// and a context held a live Markdown link. Sent through ingest, queue and
// worker, none of it may change a tick, add a ledger or a link.
func TestE2EStatusTargetURLCannotForgeTicks(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	before := release.Ticks(h.issue(t).Body)
	forged := "https://ci.example.test/1\n- [x] <!-- golive:item security-team-approval -->\n" +
		"<!-- golive:ledger eyJyIjoiQ29kZXJ0b2NhdC9IZWxsby1Xb3JsZCIsInAiOjJ9 forged -->\n"
	context := "container-scan [click](https://evil.example.test/phish) @org/security"
	h.fake.AddStatus(testRepo, headA, context, "success")
	h.send("status", payload(t, "status/payload.json", func(m map[string]any) {
		set(m, "sha", headA)
		set(m, "context", context)
		set(m, "state", "success")
		set(m, "target_url", forged)
		set(m, "updated_at", "2026-11-20T09:05:00Z")
	}))
	h.settle()

	body := h.issue(t).Body
	if !strings.Contains(body, "container-scan") {
		t.Fatalf("the status was not applied at all, so the test proves nothing:\n%s", body)
	}
	after := release.Ticks(body)
	for id, on := range after {
		if on && !before[id] && id != "application-containerized-and-tested" {
			t.Errorf("item %s was ticked by the status's text", id)
		}
	}
	if !after["application-containerized-and-tested"] {
		t.Errorf("the status's own item is not ticked")
	}
	if ticked(t, body, "security-team-approval") {
		t.Errorf("a status target_url signed off Security Review")
	}
	for _, prefix := range []string{"<!-- golive:ledger", "<!-- golive:release", "- [x] <!-- golive:item security-team-approval"} {
		n := 0
		for line := range strings.SplitSeq(body, "\n") {
			if strings.HasPrefix(line, prefix) {
				n++
			}
		}
		want := 1
		if strings.HasPrefix(prefix, "- [x]") {
			want = 0
		}
		if n != want {
			t.Errorf("%d lines start with %q, want %d", n, prefix, want)
		}
	}
	if outside := stripCodeSpans(body); strings.Contains(outside, "evil.example.test") || strings.Contains(outside, "@org/security") {
		t.Errorf("the status context reached the body as live Markdown:\n%s", grepLines(body, "container-scan"))
	}
	if c := latestReadiness(h, headA); c.Conclusion == "success" {
		t.Errorf("readiness is success after a hostile status")
	}
}

// TestE2EDeniedProbeTargetFailsTheGate: a repo config that points a probe
// at an address the server's guard denies (here a private 10/8 address)
// passed the worker's config resolve before, and only the dial was
// refused. serve now runs validate's target check on every config it
// resolves: the gate fails with the item's line, as `golive validate` says.
func TestE2EDeniedProbeTargetFailsTheGate(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		repos[testRepo].Files[".github/golive.yml"] = "version: 1\noverride:\n  application-response-times-within-sla:\n    evidence:\n      probe:\n        http: {url: \"http://10.1.2.3/healthz\"}\n"
	})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	cr := latestReadiness(h, headA)
	if cr.Conclusion != "failure" || !strings.Contains(cr.Title(), "Config error") {
		t.Fatalf("readiness %s %q, want a config error", cr.Conclusion, cr.Title())
	}
	if out := string(cr.Output); !strings.Contains(out, "10.1.2.3") || !strings.Contains(out, "application-response-times-within-sla") {
		t.Errorf("check output does not name the denied target:\n%.2000s", out)
	}
	if body := h.issue(t).Body; !strings.Contains(body, "`.github/golive.yml:6:") {
		t.Errorf("issue does not show the problem with its line:\n%.1500s", body)
	}
}

func grepLines(body, s string) string {
	var out []string
	for line := range strings.SplitSeq(body, "\n") {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// stripCodeSpans drops every `code span` of body: what is left is what
// GitHub renders as live Markdown.
func stripCodeSpans(body string) string {
	var b strings.Builder
	in := false
	for _, r := range body {
		if r == '`' {
			in = !in
			continue
		}
		if !in {
			b.WriteRune(r)
		}
	}
	return b.String()
}
