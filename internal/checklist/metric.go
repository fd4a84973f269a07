package checklist

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// Metric evidence is a PromQL query asked of a Prometheus-compatible HTTP
// API on a schedule, like a probe, and compared with a threshold.
type Metric struct {
	// URL is the API's base, e.g. https://prometheus.example.com or
	// https://example.com/prometheus; golive asks URL/api/v1/query.
	URL string `yaml:"url" json:"url"`
	// Query is an instant PromQL query that answers one number: a scalar
	// or a vector of exactly one series.
	Query  string       `yaml:"query" json:"query"`
	Expect MetricExpect `yaml:"expect" json:"expect"`
	// Headers name server-side secrets by reference, as probe headers do.
	Headers map[string]SecretRef `yaml:"headers,omitempty" json:"headers,omitempty"`
	// Interval between evaluations; default 5m.
	Interval Duration `yaml:"interval,omitempty" json:"interval,omitempty"`
	// MaxAge is how long a passing evaluation counts; default three intervals.
	MaxAge Duration `yaml:"max_age,omitempty" json:"max_age,omitempty"`
	// Timeout of one query; default 10s.
	Timeout Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
	// Window sets the share of evaluations a post-go-live item needs over
	// its phase's window.
	Window *MetricWindow `yaml:"window,omitempty" json:"window,omitempty"`
}

// MetricExpect is the comparison a metric's value must meet.
type MetricExpect struct {
	// Op is one of <, <=, >, >=, ==, !=.
	Op    string  `yaml:"op" json:"op"`
	Value float64 `yaml:"value" json:"value"`
}

// MetricOps lists the comparisons a metric expectation may use.
var MetricOps = []string{"<", "<=", ">", ">=", "==", "!="}

// String writes the expectation as "< 0.01".
func (e MetricExpect) String() string {
	return e.Op + " " + strconv.FormatFloat(e.Value, 'g', -1, 64)
}

// Holds reports whether v meets the expectation. NaN meets none, and an
// unknown operator is never met: fail closed.
func (e MetricExpect) Holds(v float64) bool {
	if math.IsNaN(v) || math.IsNaN(e.Value) {
		return false
	}
	switch e.Op {
	case "<":
		return v < e.Value
	case "<=":
		return v <= e.Value
	case ">":
		return v > e.Value
	case ">=":
		return v >= e.Value
	case "==":
		return v == e.Value
	case "!=":
		return v != e.Value
	}
	return false
}

// MetricWindow is the expectation over a post-go-live window's history.
type MetricWindow struct {
	// MinSuccess is the fraction of evaluations that must pass, e.g. 0.99.
	MinSuccess float64 `yaml:"min_success" json:"min_success"`
}

// MaxQueryLen caps a PromQL query; real ones are a few hundred bytes.
const MaxQueryLen = 4096

func checkMetric(add func(field, format string, args ...any), id string, m *Metric) {
	u, err := url.Parse(m.URL)
	switch {
	case m.URL == "":
		add("evidence.metric", "item %q: metric needs a url (the Prometheus API base)", id)
	case err != nil:
		add("evidence.metric.url", "item %q: bad metric URL %q: %v", id, m.URL, err)
	case u.Scheme != "http" && u.Scheme != "https":
		add("evidence.metric.url", "item %q: metric URL %q must be http or https", id, m.URL)
	case u.Hostname() == "":
		add("evidence.metric.url", "item %q: metric URL %q has no host", id, m.URL)
	case u.User != nil:
		add("evidence.metric.url", "item %q: metric URL must not carry credentials; use headers with a secret reference", id)
	case u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(u.Path, "/api/v1/query"):
		add("evidence.metric.url", "item %q: metric URL %q must be the API base (golive adds /api/v1/query and the query itself)", id, m.URL)
	case len(m.Headers) > 0 && u.Scheme != "https":
		add("evidence.metric.url", "item %q: a metric with secret headers must use an https URL", id)
	}
	switch q := strings.TrimSpace(m.Query); {
	case q == "":
		add("evidence.metric", "item %q: metric needs a query (PromQL)", id)
	case len(m.Query) > MaxQueryLen:
		add("evidence.metric.query", "item %q: metric query is %d bytes, over the %d-byte limit", id, len(m.Query), MaxQueryLen)
	default:
		if err := balanced(m.Query); err != nil {
			add("evidence.metric.query", "item %q: bad PromQL query: %v", id, err)
		}
	}
	ok := false
	for _, op := range MetricOps {
		ok = ok || m.Expect.Op == op
	}
	if !ok {
		add("evidence.metric.expect", "item %q: metric expect.op %q is not one of %s", id, m.Expect.Op, strings.Join(MetricOps, " "))
	}
	for name, ref := range m.Headers {
		if ref.Secret == "" {
			add("evidence.metric.headers."+name, "item %q: header %q must name a server-side secret", id, name)
		}
	}
	if m.Interval != 0 && m.Interval.D() < 10e9 {
		add("evidence.metric.interval", "item %q: metric interval %s is under the 10s minimum", id, m.Interval.D())
	}
	for _, d := range []struct {
		field string
		v     Duration
	}{{"timeout", m.Timeout}, {"interval", m.Interval}, {"max_age", m.MaxAge}} {
		limit := MaxProbeInterval
		if d.field == "timeout" {
			limit = MaxProbeTimeout
		}
		if d.v.D() > limit {
			add("evidence.metric."+d.field, "item %q: metric %s %s is over the %s maximum", id, d.field, d.v.D(), limit)
		}
	}
	// Written as !(in range), so NaN is refused too.
	if w := m.Window; w != nil && !(w.MinSuccess > 0 && w.MinSuccess <= 1) {
		add("evidence.metric.window.min_success", "item %q: window min_success must be above 0 and at most 1 (got %v)", id, w.MinSuccess)
	}
}

// balanced finds the PromQL mistakes visible without a PromQL parser:
// unclosed brackets and quotes. The server reports the rest, and that
// reason is shown on the item.
func balanced(q string) error {
	var stack []byte
	closer := map[byte]byte{'(': ')', '[': ']', '{': '}'}
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch c {
		case '"', '\'', '`':
			j := i + 1
			for ; j < len(q) && q[j] != c; j++ {
				if q[j] == '\\' && c != '`' {
					j++
				}
			}
			if j >= len(q) {
				return fmt.Errorf("unclosed %c at byte %d", c, i+1)
			}
			i = j
		case '#':
			for i < len(q) && q[i] != '\n' {
				i++
			}
		case '(', '[', '{':
			stack = append(stack, closer[c])
		case ')', ']', '}':
			if len(stack) == 0 || stack[len(stack)-1] != c {
				return fmt.Errorf("unexpected %c at byte %d", c, i+1)
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("missing %c at the end", stack[len(stack)-1])
	}
	return nil
}
