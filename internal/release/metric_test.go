package release_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

const metricLayer = `version: 1
sections:
  - id: m
    title: Metrics
    groups:
      - id: staging
        title: Staging
        items:
          - id: staging-errors
            title: Staging error rate is low
            evidence:
              metric:
                url: https://prom.example.com
                query: 'sum(rate(errors_total[5m]))'
                expect: {op: "<", value: 0.01}
                interval: 1m
      - id: live
        title: Live
        phase: 24h
        items:
          - id: live-errors
            title: Error rate stays low
            evidence:
              metric:
                url: https://prom.example.com
                query: 'sum(rate(errors_total[5m]))'
                expect: {op: "<", value: 0.01}
                interval: 1m
                window: {min_success: 0.99}
`

func metricCfg(t *testing.T) *checklist.Config {
	t.Helper()
	def, err := checklist.Default()
	if err != nil {
		t.Fatal(err)
	}
	f, err := checklist.Parse("golive.yml", []byte(metricLayer))
	if err != nil {
		t.Fatal(err)
	}
	c, err := checklist.Resolve(def, f)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func metricRun(at time.Time, query, value, errText string) release.ProbeResult {
	return release.ProbeResult{At: at, OK: true, Detail: "runner says fine", Metric: &release.MetricSample{Query: query, Value: value, Error: errText}}
}

const q = "sum(rate(errors_total[5m]))"

// TestMetricVerdicts: Apply decides each evaluation from the value and the
// config's expectation, whatever the runner claimed, and fails closed.
func TestMetricVerdicts(t *testing.T) {
	c := metricCfg(t)
	k := release.Key{Owner: "o", Repo: "r", PR: 1}
	open, _ := release.Apply(c, release.New(k), release.Event{Kind: release.EvPR, At: t0, Key: k,
		PR: &release.PRInfo{HeadRef: "release/1", HeadSHA: "a"}})
	for _, tc := range []struct {
		name  string
		res   release.ProbeResult
		state release.ItemState
		note  string
	}{
		{"under the threshold", metricRun(t0, q, "0.004", ""), release.ItemDone, ""},
		{"over the threshold", metricRun(t0, q, "0.02", ""), release.ItemFailing, "value 0.02; want < 0.01"},
		{"at the threshold", metricRun(t0, q, "0.01", ""), release.ItemFailing, "value 0.01; want < 0.01"},
		{"NaN", metricRun(t0, q, "NaN", ""), release.ItemFailing, "value is NaN; want < 0.01"},
		{"not a number", metricRun(t0, q, "lots", ""), release.ItemFailing, `value "lots" is not a number`},
		{"empty value", metricRun(t0, q, "", ""), release.ItemFailing, `value "" is not a number`},
		{"unreachable", metricRun(t0, q, "", "dial tcp: connection refused"), release.ItemFailing, "query failed: dial tcp: connection refused"},
		{"another query", metricRun(t0, "vector(0)", "0", ""), release.ItemFailing, "the value answers another query than the config's"},
		{"no sample", release.ProbeResult{At: t0, OK: true}, release.ItemFailing, "no metric value was read"},
		{"minus infinity passes <", metricRun(t0, q, "-Inf", ""), release.ItemDone, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, eff := release.Apply(c, open, release.Event{Kind: release.EvProbe, At: tc.res.At, Key: k,
				Probe: &release.ProbeReport{Item: "staging-errors", Result: tc.res}})
			if len(eff) != 1 || eff[0].Kind != release.EffSync {
				t.Errorf("got effects %v, want one sync", kinds(eff))
			}
			ir := item(t, c, s, "staging-errors", t0.Add(time.Minute))
			if ir.State != tc.state {
				t.Errorf("got %v (%s), want %v", ir.State, ir.Note, tc.state)
			}
			if tc.note != "" && !strings.Contains(ir.Note, tc.note) {
				t.Errorf("got note %q, want it to say %q", ir.Note, tc.note)
			}
			last := s.Probes["staging-errors"].Last
			if last.Metric == nil || last.Metric.Expect != "< 0.01" {
				t.Errorf("got recorded sample %+v, want the expectation recorded", last.Metric)
			}
			if ir.State == release.ItemDone && (ir.Evidence == nil || !strings.Contains(ir.Evidence.Summary, q)) {
				t.Errorf("got evidence %+v, want the query named", ir.Evidence)
			}
		})
	}
	// A passing value ages out: no fresh evaluation, no tick.
	s, _ := release.Apply(c, open, release.Event{Kind: release.EvProbe, At: t0, Key: k,
		Probe: &release.ProbeReport{Item: "staging-errors", Result: metricRun(t0, q, "0", "")}})
	if ir := item(t, c, s, "staging-errors", t0.Add(4*time.Minute)); ir.State != release.ItemPending {
		t.Errorf("stale: got %v, want pending", ir.State)
	}
	if ir := item(t, c, open, "staging-errors", t0); ir.State != release.ItemPending || ir.Note != "waiting for the first metric query" {
		t.Errorf("no data: got %v (%s), want pending", ir.State, ir.Note)
	}
}

// TestMetricWindow judges the share of passing evaluations over a 24h
// window after the merge.
func TestMetricWindow(t *testing.T) {
	c := metricCfg(t)
	k := release.Key{Owner: "o", Repo: "r", PR: 1}
	run := func(end time.Duration, value func(i int) string) *release.State {
		s, _ := release.Apply(c, release.New(k), release.Event{Kind: release.EvPR, At: t0.Add(-time.Hour), Key: k,
			PR: &release.PRInfo{HeadRef: "release/1", HeadSHA: "a"}})
		s, _ = release.Apply(c, s, release.Event{Kind: release.EvClosed, At: t0, Key: k, PR: &release.PRInfo{Merged: true, MergedAt: t0}})
		i := 0
		for d := time.Duration(0); d < end; d += time.Minute {
			s, _ = release.Apply(c, s, release.Event{Kind: release.EvProbe, At: t0.Add(d), Key: k,
				Probe: &release.ProbeReport{Item: "live-errors", Result: metricRun(t0.Add(d), q, value(i), "")}})
			i++
		}
		return s
	}
	low := func(int) string { return "0.001" }
	for _, tc := range []struct {
		name  string
		s     *release.State
		at    time.Duration
		state release.ItemState
	}{
		{"healthy day", run(24*time.Hour, low), 24 * time.Hour, release.ItemDone},
		{"still running", run(12*time.Hour, low), 12 * time.Hour, release.ItemPending},
		{"2% over", run(24*time.Hour, func(i int) string {
			if i%50 == 0 {
				return "0.5"
			}
			return "0.001"
		}), 24 * time.Hour, release.ItemFailing},
		{"0.5% NaN is within 99%", run(24*time.Hour, func(i int) string {
			if i%200 == 0 {
				return "NaN"
			}
			return "0.001"
		}), 24 * time.Hour, release.ItemDone},
		{"no data", run(0, low), 24 * time.Hour, release.ItemPending},
		{"data stops after 20h", run(20*time.Hour, low), 24 * time.Hour, release.ItemPending},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ir := item(t, c, tc.s, "live-errors", t0.Add(tc.at))
			if ir.State != tc.state {
				t.Errorf("got %v (%s), want %v", ir.State, ir.Note, tc.state)
			}
		})
	}
}
