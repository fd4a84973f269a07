//go:build !nodemo

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/signal"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/redisstore/redistest"
	"github.com/ag06mixer/golive/internal/webhook"
)

// TestLoadSelf drives a golive of its own, bounded to 60 deliveries, and
// checks the report: every delivery accepted, the queue drained, the
// event → write figures given.
func TestLoadSelf(t *testing.T) {
	var out, errb bytes.Buffer
	getenv := func(k string) string { return "" }
	code := runLoadMain(context.Background(), []string{"--self", "--count", "60", "--rate", "0", "--releases", "2", "--duration", "20s",
		"--payloads", "../../testdata/webhooks"}, getenv, &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"check runs: 60 sent", "60 accepted, 0 duplicate, 0 failed", "drained;", "event → GitHub write", "60 of 60 events",
		"GitHub requests by route:", "POST /repos/{owner}/{repo}/issues\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestLoadIsBounded: a run without bounds, with two targets, with a
// GitHub latency and no fake GitHub, or --baseline without a Redis, is a
// usage mistake.
func TestLoadIsBounded(t *testing.T) {
	for _, args := range [][]string{{"--self", "--count", "0"}, {"--self", "--duration", "0s"}, {"--self", "--url", "http://127.0.0.1:1/webhook"}, {},
		{"--url", "http://127.0.0.1:1/webhook", "--github-latency", "1s"}, {"--self", "--github-latency", "-1s"},
		{"--baseline", "--github-latency", "1s"}, {"--baseline", "--self"}, {"--baseline", "--payloads", "../../testdata/webhooks"}} {
		var out, errb bytes.Buffer
		if code := runLoadMain(context.Background(), args, func(string) string { return "" }, &out, &errb); code != exitUsage {
			t.Errorf("%q: exit %d, want %d (%s)", args, code, exitUsage, errb.String())
		}
	}
}

// TestFakeLatency: --github-latency's fake GitHub answers no request
// sooner than the latency asked (GitHub's own pace, for measuring golive
// against it), and answers it.
func TestFakeLatency(t *testing.T) {
	const latency = 40 * time.Millisecond
	fake := newFake(latency)
	defer fake.Close()
	start := time.Now()
	res, err := http.Get(fake.URL() + "/repos/Codertocat/Hello-World")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if took := time.Since(start); took < latency || res.StatusCode != http.StatusOK {
		t.Fatalf("answered %d after %v, want 200 no sooner than %v", res.StatusCode, took, latency)
	}
}

// TestMain lets the test binary be --baseline's process, as golive-load
// itself is (main.go).
func TestMain(m *testing.M) {
	if addr := os.Getenv(baselineAddrEnv); addr != "" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
		code := baselineMain(ctx, addr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// TestLoadBaseline: --baseline starts the bare ingest in a process of
// its own on the test Redis and drives it; every delivery reaches the
// baseline's stream (a signature it refuses would fail them), and the
// stream is gone when the process stops.
func TestLoadBaseline(t *testing.T) {
	r := redistest.New(t)
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "GOLIVE_REDIS_URL" {
			return r.URL
		}
		return ""
	}
	code := runLoadMain(context.Background(), []string{"--baseline", "--count", "40", "--rate", "0", "--releases", "2", "--duration", "20s",
		"--payloads", "../../testdata/webhooks"}, getenv, &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"the bare ingest baseline in process", "opened 2 releases", "check runs: 40 sent", "40 accepted, 0 duplicate, 0 failed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	keys, err := r.Client.Keys(context.Background(), "golive-load-*:baseline").Result()
	if err != nil || len(keys) != 0 {
		t.Errorf("the baseline's streams left behind: %v (%v)", keys, err)
	}
}

// TestCheckTemplate: a rendered delivery is GitHub's check_run payload
// with the delivery's values in their fields and every other field as
// recorded, and golive reads it as that check run.
func TestCheckTemplate(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/webhooks/check_run/completed.json")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := newCheckTemplate(raw)
	if err != nil {
		t.Fatal(err)
	}
	body := tmpl.render(map[string]any{"name": `CI / "unit" tests`, "conclusion": "failure", "id": int64(5000007), "head_sha": "abc",
		"completed_at": "2026-12-03T09:00:00Z", "html_url": "https://github.com/o/r/runs/7", "pr": 1003})
	var got, want map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("rendered %q: %v", body, err)
	}
	json.Unmarshal(raw, &want)
	cr := want["check_run"].(map[string]any)
	cr["name"], cr["conclusion"], cr["id"], cr["head_sha"] = `CI / "unit" tests`, "failure", 5000007.0, "abc"
	cr["completed_at"], cr["html_url"] = "2026-12-03T09:00:00Z", "https://github.com/o/r/runs/7"
	cr["pull_requests"].([]any)[0].(map[string]any)["number"] = 1003.0
	want["installation"] = map[string]any{"id": 1.0}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rendered payload differs from the recorded one with the delivery's values:\n%s", body)
	}
	// A slot the delivery leaves unset keeps the recorded value.
	var kept map[string]any
	json.Unmarshal(tmpl.render(map[string]any{"name": "n", "conclusion": "success", "id": 1, "head_sha": "s", "completed_at": "t", "pr": 1}), &kept)
	recorded := map[string]any{}
	json.Unmarshal(raw, &recorded)
	if u, w := kept["check_run"].(map[string]any)["html_url"], recorded["check_run"].(map[string]any)["html_url"]; u != w {
		t.Errorf("html_url left unset rendered as %v, want the recorded %v", u, w)
	}
	p, err := webhook.Parse("check_run", body, time.Now())
	if err != nil || p.Event.Check == nil || p.Event.Check.Name != `CI / "unit" tests` || p.Event.Check.ID != 5000007 || !slices.Equal(p.PRs, []int{1003}) {
		t.Errorf("golive reads %+v (%v), want check run 5000007 of PR 1003", p, err)
	}
}
