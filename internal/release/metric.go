package release

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
)

// MetricSample is what one query of a metric item's Prometheus API
// answered. The runner fills Query and Value or Error; Apply fills Expect
// and decides the run's OK against the config in force.
type MetricSample struct {
	Query string `json:"query"`
	// Value is the number as the API wrote it ("0.012", "NaN", "+Inf"):
	// JSON has no NaN, and the record keeps what was read.
	Value string `json:"value,omitempty"`
	// Expect is the expectation the value was judged against ("< 0.01").
	Expect string `json:"expect,omitempty"`
	// Error says why no value could be read.
	Error string `json:"error,omitempty"`
}

// MetricInterval is the time between evaluations of a metric item.
func MetricInterval(m *checklist.Metric) time.Duration {
	if m.Interval != 0 {
		return m.Interval.D()
	}
	return DefaultProbeInterval
}

// MetricMaxAge is how long a passing evaluation counts.
func MetricMaxAge(m *checklist.Metric) time.Duration {
	if m.MaxAge != 0 {
		return m.MaxAge.D()
	}
	return 3 * MetricInterval(m)
}

// JudgeMetric decides one evaluation of m. It fails closed: no sample, a
// query error, an answer to another query, a value that is not a number,
// NaN, or a value that misses the expectation is not passing, and the
// detail says which.
func JudgeMetric(m *checklist.Metric, r ProbeResult) ProbeResult {
	r.OK = false
	if r.Metric == nil {
		r.Metric = &MetricSample{Query: m.Query, Expect: m.Expect.String(), Error: "no value read"}
		r.Detail = "no metric value was read"
		return r
	}
	smp := *r.Metric
	smp.Expect = m.Expect.String()
	r.Metric = &smp
	v, err := strconv.ParseFloat(smp.Value, 64)
	switch {
	case smp.Error != "":
		r.Detail = "query failed: " + smp.Error
	case smp.Query != m.Query:
		r.Detail = "the value answers another query than the config's"
	case err != nil:
		r.Detail = fmt.Sprintf("value %q is not a number", oneLine(smp.Value, 40))
	case math.IsNaN(v):
		r.Detail = "value is NaN; want " + smp.Expect
	case !m.Expect.Holds(v):
		r.Detail = fmt.Sprintf("value %s; want %s", smp.Value, smp.Expect)
	default:
		r.OK = true
		r.Detail = fmt.Sprintf("value %s (want %s)", smp.Value, smp.Expect)
	}
	return r
}

func evaluateMetric(s *State, e checklist.Entry, now time.Time, ir *ItemReport) {
	m := e.Item.Evidence.Metric
	h, ok := s.Probes[e.Item.ID]
	if m.Window != nil && e.Phase != checklist.PhasePreMerge {
		evaluateMetricWindow(s, e, m, h, now, ir)
		return
	}
	if !ok {
		ir.Note = "waiting for the first metric query"
		return
	}
	ev := &Evidence{Source: checklist.SourceMetric, Summary: "metric " + oneLine(m.Query, 120) + ": " + h.Last.Detail, At: h.Last.At}
	switch {
	case !h.Last.OK:
		ir.State = ItemFailing
		ir.Evidence = ev
		ir.Note = ev.Summary
	case now.Sub(h.Last.At) > MetricMaxAge(m):
		ir.Note = fmt.Sprintf("last passing metric query is older than %s", MetricMaxAge(m))
	default:
		ir.State = ItemDone
		ir.Evidence = ev
	}
}

// evaluateMetricWindow judges a post-go-live metric item by the share of
// its evaluations that passed since the merge. No data is not healthy: a
// window with no evaluations, or with a gap of more than three intervals,
// is not met.
func evaluateMetricWindow(s *State, e checklist.Entry, m *checklist.Metric, h ProbeHistory, now time.Time, ir *ItemReport) {
	start := s.MergedAt
	full := start.Add(e.Phase.Window())
	end := full
	if now.Before(end) {
		end = now
	}
	var hist []ProbeResult
	if !h.Last.At.IsZero() {
		hist = append(append(hist, h.History...), h.Last)
	}
	w := Window(hist, start, end)
	need := m.Window.MinSuccess
	summary := fmt.Sprintf("metric %s %s: %d/%d evaluations passed (%.2f%%) over %s", oneLine(m.Query, 120), m.Expect, w.OK, w.Runs, 100*w.Ratio(), end.Sub(start).Round(time.Minute))
	ev := &Evidence{Source: checklist.SourceMetric, Summary: summary, At: h.Last.At}
	switch {
	case w.Runs == 0:
		ir.Note = "no metric data in the window yet"
	case !(w.Ratio() >= need) || !(need > 0 && need <= 1):
		// Written so that a NaN on either side fails the window.
		ir.State = ItemFailing
		ir.Evidence = ev
		ir.Note = fmt.Sprintf("%.2f%% of evaluations passed; want %.2f%% (last: %s)", 100*w.Ratio(), 100*need, h.Last.Detail)
	case w.Gap > 3*MetricInterval(m):
		ir.Evidence = ev
		ir.Note = fmt.Sprintf("a gap of %s with no metric data", w.Gap.Round(time.Minute))
	case now.Before(full):
		ir.Evidence = ev
		ir.Note = "window runs until " + full.UTC().Format("2006-01-02 15:04 MST")
	default:
		ir.State = ItemDone
		ir.Evidence = ev
	}
}
