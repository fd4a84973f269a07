package deploy_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/metrics"
)

// dashboardExprs reads every panel query of a Grafana dashboard.
func dashboardExprs(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var out []string
	for _, p := range d.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("%s: panel %q has no query", file, p.Title)
		}
		for _, tg := range p.Targets {
			out = append(out, tg.Expr)
		}
	}
	return out
}

// TestDashboardsQueryExportedMetrics: every query of every dashboard in
// grafana/ names only metrics golive exports, and is PromQL promtool
// accepts (each is checked as a recording rule). The release-health
// dashboard shows each release-health metric. Without promtool the PromQL
// check skips, unless GOLIVE_TEST_PROMETHEUS=required (CI).
func TestDashboardsQueryExportedMetrics(t *testing.T) {
	names := metrics.New().Names()
	re := regexp.MustCompile(`golive_[a-z0-9_]+`)
	files, err := filepath.Glob("grafana/*.json")
	if err != nil || len(files) < 2 {
		t.Fatalf("dashboards: %v %v", files, err)
	}
	var rules strings.Builder
	rules.WriteString("groups:\n  - name: dashboards\n    rules:\n")
	used := map[string]bool{}
	for _, f := range files {
		for i, e := range dashboardExprs(t, f) {
			ms := re.FindAllString(e, -1)
			if len(ms) == 0 {
				t.Errorf("%s: %q uses no golive metric", f, e)
			}
			for _, m := range ms {
				used[m] = true
				if !slices.Contains(names, m) {
					t.Errorf("%s: %q uses %s, which golive does not export", f, e, m)
				}
			}
			q, _ := json.Marshal(e)
			fmt.Fprintf(&rules, "      - record: dashboard:%s:q%d\n        expr: %s\n", strings.ReplaceAll(strings.TrimSuffix(filepath.Base(f), ".json"), "-", "_"), i, q)
		}
	}
	for _, m := range []string{"golive_release_time_to_ready_seconds_bucket", "golive_release_signoff_seconds_bucket", "golive_release_windows_total",
		"golive_release_at_risk", "golive_releases_blocked", "golive_notifications_total"} {
		if !used[m] {
			t.Errorf("no dashboard shows %s", m)
		}
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("GOLIVE_TEST_PROMETHEUS") == "required" {
			t.Fatal("GOLIVE_TEST_PROMETHEUS=required but no promtool: apt-get install prometheus")
		}
		t.Skip("no promtool: the queries' PromQL is not checked; .ci/run installs it")
	}
	path := filepath.Join(t.TempDir(), "dashboards.yaml")
	if err := os.WriteFile(path, []byte(rules.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(promtool, "check", "rules", path).CombinedOutput() // #nosec G204 -- promtool from PATH, a file the test wrote
	if err != nil {
		t.Fatalf("promtool refuses a dashboard query: %v\n%s", err, out)
	}
}
