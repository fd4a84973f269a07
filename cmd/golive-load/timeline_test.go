package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
)

func TestPrintTimeline(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	log := []githubfake.Request{
		{Method: "POST", Route: "/app/installations/{n}/access_tokens", At: t0},
		{Method: "GET", Route: "/repos/{owner}/{repo}/issues/{n}/comments", At: t0.Add(100 * time.Millisecond)},
		{Method: "POST", Route: "/repos/{owner}/{repo}/issues", At: t0.Add(200 * time.Millisecond)},
		{Method: "PATCH", Route: "/repos/{owner}/{repo}/check-runs/{n}", At: t0.Add(2500 * time.Millisecond)},
	}
	sent := []time.Time{t0, t0.Add(10 * time.Millisecond), {}, t0.Add(2 * time.Second)}
	each := []time.Duration{200 * time.Millisecond, -1, -1, 500 * time.Millisecond}
	var b strings.Builder
	printTimeline(&b, log, sent, each)
	got := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := []string{
		"second | GitHub reads | writes | of them POSTs | events sent | their event → write p99",
		"     0 |            1 |      2 |             1 |           2 | 200ms",
		"     1 |            0 |      0 |             0 |           0 | -",
		"     2 |            0 |      1 |             0 |           1 | 500ms",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("timeline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	b.Reset()
	printTimeline(&b, log, nil, nil)
	if b.Len() != 0 {
		t.Fatalf("a run with no event sent printed %q", b.String())
	}
}
