package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/probe"
	"github.com/ag06mixer/golive/internal/worker"
)

// prometheusBin finds Debian's prometheus (apt-get install prometheus),
// or GOLIVE_TEST_PROMETHEUS_BIN. With GOLIVE_TEST_PROMETHEUS=required (CI)
// a missing binary fails the test; elsewhere it skips.
func prometheusBin(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("GOLIVE_TEST_PROMETHEUS_BIN"), "/usr/bin/prometheus"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("GOLIVE_TEST_PROMETHEUS") == "required" {
		t.Fatal("GOLIVE_TEST_PROMETHEUS=required but no /usr/bin/prometheus: apt-get install prometheus")
	}
	t.Skip("no Prometheus at /usr/bin/prometheus (set GOLIVE_TEST_PROMETHEUS_BIN); .ci/run installs it")
	return ""
}

// realPrometheus starts a Prometheus server on a free loopback port that
// scrapes target every second, and returns its base URL once a query of
// metric answers one series.
func realPrometheus(t *testing.T, target, metric string) string {
	bin := prometheusBin(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	conf := fmt.Sprintf("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: [%q]\n", target)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/api/v1/query?query=" + url.QueryEscape(metric))
		if err == nil {
			var a struct {
				Data struct {
					Result []json.RawMessage `json:"result"`
				} `json:"data"`
			}
			json.NewDecoder(resp.Body).Decode(&a)
			resp.Body.Close()
			if len(a.Data.Result) == 1 {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("Prometheus did not answer %s within 60s (last error %v); its log:\n%s", metric, err, logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

const metricItem = "performance-requirements-defined"

// TestScenarioMetricFromRealPrometheus: a real Prometheus scrapes an exporter
// the test controls; a metric item over it fails with the value shown
// while the error ratio is high, and ticks with the value as evidence once
// it falls under the threshold. The result goes through the queue and
// Apply like a probe's.
func TestScenarioMetricFromRealPrometheus(t *testing.T) {
	long(t)
	t.Parallel()
	var ratio atomic.Value
	ratio.Store("0.25")
	exporter := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprintf(w, "# TYPE golive_test_error_ratio gauge\ngolive_test_error_ratio %s\n", ratio.Load())
	}))
	defer exporter.Close()
	prom := realPrometheus(t, strings.TrimPrefix(exporter.URL, "http://"), "golive_test_error_ratio")

	guard, _ := probe.ParseAllow("127.0.0.1/32")
	h := newHarness(t, harnessOpts{replicas: -1})
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		repos[testRepo].Files[".github/golive.yml"] = fmt.Sprintf(`version: 1
override:
  %s:
    evidence:
      metric:
        url: %s
        query: 'max(golive_test_error_ratio{job="app"})'
        expect: {op: "<", value: 0.01}
        interval: 10s
`, metricItem, prom)
	})
	h.start(worker.Options{Prober: &probe.Runner{Guard: guard}, ProbeEvery: 100 * time.Millisecond})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the item in the issue: %s", itemLine(h.issue(t).Body, metricItem))
		}
	})
	waitFor(t, 20*time.Second, func() bool { return strings.Contains(itemLine(h.issue(t).Body, metricItem), "value 0.25; want") })
	if ticked(t, h.issue(t).Body, metricItem) {
		t.Fatalf("a failing metric ticked the item:\n%s", h.issue(t).Body)
	}
	ratio.Store("0.001")
	waitFor(t, 30*time.Second, func() bool { return ticked(t, h.issue(t).Body, metricItem) })
	if body := h.issue(t).Body; !strings.Contains(body, "value 0.001") {
		t.Errorf("the tick does not show the value as evidence:\n%s", body)
	}
}

// TestE2EMetricUnreachablePrometheus: with no server at the URL the item
// never ticks, and says why.
func TestE2EMetricUnreachablePrometheus(t *testing.T) {
	t.Parallel()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + ln.Addr().String()
	ln.Close()
	guard, _ := probe.ParseAllow("127.0.0.1/32")
	h := newHarness(t, harnessOpts{replicas: -1})
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		repos[testRepo].Files[".github/golive.yml"] = fmt.Sprintf("version: 1\noverride:\n  %s:\n    evidence: {metric: {url: %q, query: up, expect: {op: \"==\", value: 1}}}\n", metricItem, dead)
	})
	h.start(worker.Options{Prober: &probe.Runner{Guard: guard}, ProbeEvery: 100 * time.Millisecond})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	waitFor(t, 20*time.Second, func() bool { return strings.Contains(h.issue(t).Body, "query failed") })
	body := h.issue(t).Body
	if ticked(t, body, metricItem) || !strings.Contains(body, "connection refused") {
		t.Errorf("an unreachable Prometheus: want the item unticked with the reason:\n%s", body)
	}
}

// itemLine is the issue body's line for item id, and what follows it up
// to the next item.
func itemLine(body, id string) string {
	i := strings.Index(body, id)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest[1:], "- ["); j >= 0 {
		rest = rest[:j+1]
	}
	return rest
}
