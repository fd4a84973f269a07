package deploy_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/ag06mixer/golive/internal/metrics"
)

type ruleFile struct {
	Groups []struct {
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Record      string            `yaml:"record"`
			Expr        string            `yaml:"expr"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

type ruleTests struct {
	RuleFiles []string `yaml:"rule_files"`
	Tests     []struct {
		AlertRuleTest []struct {
			Alertname string `yaml:"alertname"`
			ExpAlerts []any  `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
	} `yaml:"tests"`
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// ruleFiles are the Prometheus rule files (not their tests).
func ruleFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("prometheus/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule files: %v", err)
	}
	return files
}

// githubAnchors are the anchors GitHub gives the headings of a Markdown
// file: lower case, punctuation other than - and _ dropped, spaces as -.
func githubAnchors(t *testing.T, path string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	drop := regexp.MustCompile(`[^a-z0-9 _-]`)
	for _, line := range strings.Split(string(b), "\n") {
		if h, ok := strings.CutPrefix(line, "#"); ok {
			h = strings.TrimLeft(h, "#")
			a := drop.ReplaceAllString(strings.ToLower(strings.TrimSpace(h)), "")
			out[strings.ReplaceAll(a, " ", "-")] = true
		}
	}
	return out
}

// TestEveryAlertTestedAndRunbooked: every alert rule has a promtool test
// in which it fires, and a runbook_url to a heading of docs/operations.md
// or docs/runbook.md.
func TestEveryAlertTestedAndRunbooked(t *testing.T) {
	firing := map[string]bool{}
	tests, _ := filepath.Glob("prometheus/tests/*.yaml")
	for _, f := range tests {
		var rt ruleTests
		readYAML(t, f, &rt)
		for _, tc := range rt.Tests {
			for _, a := range tc.AlertRuleTest {
				if len(a.ExpAlerts) > 0 {
					firing[a.Alertname] = true
				}
			}
		}
	}
	// golive's own alerts link to docs/operations.md, the capacity alerts
	// to docs/runbook.md.
	anchors := map[string]map[string]bool{
		"operations.md": githubAnchors(t, "../docs/operations.md"),
		"runbook.md":    githubAnchors(t, "../docs/runbook.md"),
	}
	runbook := regexp.MustCompile(`^https://github\.com/ag06mixer/golive/blob/main/docs/([a-z]+\.md)#(.+)$`)
	alerts := 0
	for _, f := range ruleFiles(t) {
		var rf ruleFile
		readYAML(t, f, &rf)
		for _, g := range rf.Groups {
			for _, r := range g.Rules {
				if r.Alert == "" {
					continue
				}
				alerts++
				if !firing[r.Alert] {
					t.Errorf("%s: alert %s has no promtool test in which it fires", f, r.Alert)
				}
				u := r.Annotations["runbook_url"]
				m := runbook.FindStringSubmatch(u)
				if m == nil || !anchors[m[1]][m[2]] {
					t.Errorf("%s: alert %s: runbook_url %q is not a heading of docs/operations.md or docs/runbook.md", f, r.Alert, u)
				}
			}
		}
	}
	if alerts == 0 {
		t.Error("no alert rules found")
	}
}

// TestRuleBucketsExist: a `le` the rules name is a bucket bound of that
// histogram as golive exports it, so an SLI never reads a series that
// does not exist (and silently never fires).
func TestRuleBucketsExist(t *testing.T) {
	m := metrics.New()
	m.DeliveryDuration.WithLabelValues("queued").Observe(0)
	m.ProcessSeconds.WithLabelValues("push").Observe(0)
	m.GitHubSeconds.WithLabelValues("GET").Observe(0)
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	bounds := map[string][]string{}
	for _, f := range fams {
		if f.GetType().String() != "HISTOGRAM" {
			continue
		}
		for _, b := range f.GetMetric()[0].GetHistogram().GetBucket() {
			bounds[f.GetName()+"_bucket"] = append(bounds[f.GetName()+"_bucket"], strconv.FormatFloat(b.GetUpperBound(), 'g', -1, 64))
		}
	}
	re := regexp.MustCompile(`(golive_[a-z0-9_]+_bucket)\{[^}]*le="([^"]+)"`)
	used := 0
	for _, f := range ruleFiles(t) {
		b, _ := os.ReadFile(f)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used++
			if !slices.Contains(bounds[m[1]], m[2]) {
				t.Errorf("%s: %s{le=%q} is not a bucket golive exports (it has %v)", f, m[1], m[2], bounds[m[1]])
			}
		}
	}
	if used == 0 {
		t.Error("the rules name no histogram bucket: the latency SLIs are gone")
	}
}

// TestRedisAlwaysAuthenticated: every Redis URL in deploy/ carries
// credentials, and every Redis server started here requires a password.
func TestRedisAlwaysAuthenticated(t *testing.T) {
	url := regexp.MustCompile(`rediss?://[^\s"']*`)
	creds := regexp.MustCompile(`^rediss?://[^@/\s]*:[^@/\s]+@`)
	servers := 0
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, u := range url.FindAllString(string(b), -1) {
			if !creds.MatchString(u) {
				t.Errorf("%s: Redis URL %s has no password", path, u)
			}
		}
		for _, doc := range bytes.Split(b, []byte("\n---")) {
			// Every Redis server deploy/ starts turns AOF on.
			starts := bytes.Contains(doc, []byte(`"--appendonly"`))
			if !starts {
				continue
			}
			servers++
			if !bytes.Contains(doc, []byte(`"--requirepass"`)) {
				t.Errorf("%s: a Redis server without --requirepass", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// compose, the dev overlay, the chart's bundled Redis.
	if servers < 3 {
		t.Errorf("found %d Redis servers in deploy/, want at least 3", servers)
	}
}

// TestReleasePinnedToChangelog: the prod overlay and the chart name the
// newest version in CHANGELOG.md, the one the release workflow builds on
// its tag; no placeholder Secret ships anywhere.
func TestReleasePinnedToChangelog(t *testing.T) {
	cl, err := os.ReadFile("../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	v := regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$`).FindSubmatch(cl)
	if v == nil {
		t.Fatal("CHANGELOG.md has no released version (## [X.Y.Z] - YYYY-MM-DD)")
	}
	version := string(v[1])
	var prod struct {
		Images []struct {
			Name   string `yaml:"name"`
			NewTag string `yaml:"newTag"`
		} `yaml:"images"`
	}
	readYAML(t, "overlays/prod/kustomization.yaml", &prod)
	if len(prod.Images) != 1 || prod.Images[0].NewTag != "v"+version {
		t.Errorf("the prod overlay pins %+v, want v%s", prod.Images, version)
	}
	var chart struct {
		Version    string `yaml:"version"`
		AppVersion string `yaml:"appVersion"`
	}
	readYAML(t, "helm/golive/Chart.yaml", &chart)
	if chart.Version != version || chart.AppVersion != "v"+version {
		t.Errorf("Chart.yaml version %s appVersion %s, want %s and v%s", chart.Version, chart.AppVersion, version, version)
	}
	for file, ds := range docs(t) {
		for _, d := range ds {
			if d["kind"] == "Secret" || d["secretGenerator"] != nil {
				t.Errorf("%s ships a Secret: placeholder credentials get deployed; document `kubectl create secret` instead", file)
			}
		}
	}
}

// TestMetricsOffTheWebhookService: /metrics has a port of its own, the
// Service and the Ingress that take webhooks do not reach it, and the
// ServiceMonitor scrapes the metrics port.
func TestMetricsOffTheWebhookService(t *testing.T) {
	all := docs(t)
	c := dig(all[filepath.Join("base", "deployment.yaml")][0], "spec", "template", "spec", "containers", 0)
	ports, _ := dig(c, "ports").([]any)
	var metricsPort any
	for _, p := range ports {
		if dig(p, "name") == "metrics" {
			metricsPort = dig(p, "containerPort")
		}
	}
	if metricsPort != 9090 {
		t.Errorf("the container's metrics port is %v, want 9090 (GOLIVE_METRICS_ADDR's default)", metricsPort)
	}
	svc := all[filepath.Join("base", "service.yaml")][0]
	sp, _ := dig(svc, "spec", "ports").([]any)
	for _, p := range sp {
		if tp := dig(p, "targetPort"); tp == "metrics" || tp == 9090 {
			t.Errorf("the webhook Service exposes the metrics port: %v", p)
		}
	}
	ing := all[filepath.Join("base", "ingress.yaml")][0]
	if dig(ing, "spec", "tls", 0, "secretName") == nil {
		t.Error("the Ingress has no TLS")
	}
	paths, _ := dig(ing, "spec", "rules", 0, "http", "paths").([]any)
	for _, p := range paths {
		if n := dig(p, "backend", "service", "name"); n != "golive" {
			t.Errorf("the Ingress routes to %v, not only the webhook Service", n)
		}
	}
	sm := all[filepath.Join("base", "servicemonitor.yaml")][0]
	if dig(sm, "spec", "endpoints", 0, "port") != "metrics" {
		t.Errorf("the ServiceMonitor scrapes %v, want the metrics port", dig(sm, "spec", "endpoints", 0, "port"))
	}
}

// TestGateNamesRealJobs: every check name golive's own gate waits for
// (.github/golive.yml) is a job of the CI workflow, so the gate can tick.
func TestGateNamesRealJobs(t *testing.T) {
	var ci struct {
		Jobs map[string]struct {
			Strategy struct {
				Matrix struct {
					Section []string `yaml:"section"`
				} `yaml:"matrix"`
			} `yaml:"strategy"`
		} `yaml:"jobs"`
	}
	readYAML(t, "../.github/workflows/ci.yml", &ci)
	jobs := map[string]bool{}
	for id, j := range ci.Jobs {
		jobs[id] = true
		for _, s := range j.Strategy.Matrix.Section {
			jobs[s] = true
		}
	}
	b, err := os.ReadFile("../.github/golive.yml")
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile(`check: \{name: ([a-z-]+)\}`).FindAllStringSubmatch(string(b), -1)
	if len(names) == 0 {
		t.Fatal(".github/golive.yml names no check")
	}
	for _, n := range names {
		if !jobs[n[1]] {
			t.Errorf(".github/golive.yml waits for check %q, which no CI job is named", n[1])
		}
	}
	// The built-in items golive.yml keeps: security-scan* must find the job.
	if !jobs["security-scan"] {
		t.Error("no security-scan job for the built-in security-scan* items")
	}
}
