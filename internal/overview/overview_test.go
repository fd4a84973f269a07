package overview_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/overview"
	"github.com/ag06mixer/golive/internal/release"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// story is a release five days in: a failing unit test, a sign-off given
// and one voided by a push, a waiver that holds and one that expired, a
// hold, a flapping health probe and an audit trail.
func story(t *testing.T) (*checklist.Config, *release.State) {
	t.Helper()
	c, err := checklist.DefaultConfigWith(checklist.ExampleVars) // probes configured
	if err != nil {
		t.Fatal(err)
	}
	s := release.New(release.Key{Owner: "acme", Repo: "shop", PR: 42})
	s.Title, s.Author, s.HeadRef, s.BaseRef, s.HeadSHA = "Release 2.3 | spring", "alice", "release/2.3", "main", "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
	s.OpenedAt, s.URL, s.Issue = t0, "https://github.com/acme/shop/pull/42", 43
	s.Checks = map[string]release.CheckResult{
		"CI / unit tests@" + s.HeadSHA: {Name: "CI / unit tests", Kind: "check_run", SHA: s.HeadSHA, Status: "completed", Conclusion: "failure", URL: "https://github.com/acme/shop/runs/1", At: t0.Add(26 * time.Hour)},
		"sast@" + s.HeadSHA:            {Name: "sast", Kind: "check_run", SHA: s.HeadSHA, Status: "completed", Conclusion: "success", At: t0.Add(2 * time.Hour)},
	}
	s.Signoffs = []release.Signoff{
		{Role: "security", By: "sam", At: t0.Add(time.Hour), SHA: "0ld0ld00", VoidedAt: t0.Add(3 * time.Hour), VoidReason: "pushed a new tree"},
		{Role: "tech-lead", By: "tina", At: t0.Add(4 * time.Hour), SHA: s.HeadSHA, URL: "https://github.com/acme/shop/pull/42#issuecomment-9"},
	}
	s.Waivers = map[string]release.Waiver{
		"disaster-recovery-plan-documented":          {By: "rita", At: t0.Add(5 * time.Hour), Reason: "DR plan lands in 2.4", Expires: t0.Add(30 * 24 * time.Hour)},
		"cost-optimization-opportunities-identified": {By: "rita", At: t0, Reason: "next quarter", Expires: t0.Add(24 * time.Hour)},
	}
	s.Hold = &release.Hold{By: "olga", At: t0.Add(100 * time.Hour), Reason: "freeze | holiday"}
	var hist []release.ProbeResult
	for i := range 10 {
		hist = append(hist, release.ProbeResult{At: t0.Add(time.Duration(i) * 5 * time.Minute), OK: i != 6, Latency: time.Duration(40+i*7) * time.Millisecond})
	}
	s.Probes = map[string]release.ProbeHistory{"application-health-endpoints-implemented": {Last: hist[9], History: hist[:9]}}
	s.Audit = []release.AuditEntry{
		{At: t0, Action: "opened", Detail: "release 2.3"},
		{At: t0.Add(time.Hour), Actor: "sam", Action: "signed", Detail: "Security Review"},
		{At: t0.Add(100 * time.Hour), Actor: "olga", Action: "held", Detail: "freeze"},
	}
	return c, s
}

func TestBuild(t *testing.T) {
	c, s := story(t)
	now := t0.Add(120 * time.Hour)
	r := overview.Build(c, s, "https://github.com/acme/shop/issues/43", now)
	if r.Verdict.Ready || !strings.HasPrefix(r.Verdict.Title, "On hold") {
		t.Errorf("verdict %+v, want on hold", r.Verdict)
	}
	if b := r.Blockers[0]; b.Item != "unit-tests-comprehensive-and-passing" || b.State != release.ItemFailing || !b.Since.Equal(t0.Add(26*time.Hour)) {
		t.Errorf("first blocker %+v, want the failing unit tests since they failed", b)
	}
	if r.Tally[0] != (overview.Count{What: "failing", N: 1}) || r.Tally[1].What != "sign-offs" || r.Tally[1].N != 4 {
		t.Errorf("tally %+v", r.Tally)
	}
	if len(r.Ledger) != 2 || r.Ledger[0].Active() || !r.Ledger[1].Active() {
		t.Errorf("ledger %+v: want the voided and the active sign-off", r.Ledger)
	}
	var missing []string
	for _, m := range r.MissingSignoffs() {
		missing = append(missing, m.Role)
	}
	if diff := cmp.Diff([]string{"security", "business", "ops", "final"}, missing); diff != "" {
		t.Errorf("missing sign-offs (-want +got):\n%s", diff)
	}
	if got := r.WaitingOn([]string{"ops", "tech-lead"}); len(got) != 1 || got[0].Role != "ops" {
		t.Errorf("waiting on an ops holder: %+v", got)
	}
	active := map[string]bool{}
	for _, w := range r.Waivers {
		active[w.Item] = w.Active
	}
	if !active["disaster-recovery-plan-documented"] || active["cost-optimization-opportunities-identified"] {
		t.Errorf("waivers %v: want the DR one active and the expired one not", active)
	}
	var p *overview.Probe
	for i := range r.Probes {
		if r.Probes[i].Item == "application-health-endpoints-implemented" {
			p = &r.Probes[i]
		}
	}
	if p == nil || p.Runs != 10 || p.OK != 9 || len(p.Chart.Fails) != 1 || strings.Count(p.Chart.Line, ",") != 10 {
		t.Fatalf("health probe %+v", p)
	}
	if r.Audit[0].Action != "held" {
		t.Errorf("the audit trail starts with %q; want the newest first", r.Audit[0].Action)
	}
}

func TestChart(t *testing.T) {
	if c := overview.DrawChart(nil); c.Line != "" || c.Summary != "No probe runs yet." {
		t.Errorf("empty chart %+v", c)
	}
	c := overview.DrawChart([]release.ProbeResult{{At: t0, OK: true, Latency: 10 * time.Millisecond}, {At: t0.Add(time.Minute), OK: false, Latency: 30 * time.Millisecond}})
	// The slowest run touches the top, the fastest sits a third of the way.
	if c.Line != "4.0,41.3 316.0,4.0" || len(c.Fails) != 1 || c.Fails[0].X != 316 {
		t.Errorf("chart %+v", c)
	}
}

func TestMarkdownGolden(t *testing.T) {
	c, s := story(t)
	got := overview.Markdown(overview.Build(c, s, "https://github.com/acme/shop/issues/43", t0.Add(120*time.Hour)))
	path := filepath.Join("testdata", "record.md.golden")
	if *update {
		os.WriteFile(path, []byte(got), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("Markdown record (-want +got), go test -update to accept:\n%s", diff)
	}
	// A pipe in a title or reason cannot break a table row.
	for _, line := range strings.Split(got, "\n") {
		if strings.Contains(line, "spring") || strings.Contains(line, "holiday") {
			if strings.Contains(line, " | spring") || strings.Contains(line, "freeze | holiday") {
				t.Errorf("an unescaped pipe: %s", line)
			}
		}
	}
}
