package probe

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// Metric asks a metric item's Prometheus-compatible API for the instant
// value of its query (GET URL/api/v1/query). It reads one number or says
// why it could not; whether the number passes is decided in release. It
// goes through the same guard, secrets and limits as an HTTP probe, and
// follows no redirect.
func (r *Runner) Metric(ctx context.Context, m *checklist.Metric) release.ProbeResult {
	timeout := DefaultTimeout
	if m.Timeout != 0 {
		timeout = m.Timeout.D()
	}
	start := r.now()
	value, err := within(ctx, timeout, func(ctx context.Context) (string, error) { return r.query(ctx, m) })
	res := release.ProbeResult{At: start.UTC(), Latency: r.now().Sub(start), Metric: &release.MetricSample{Query: m.Query, Value: value}}
	if err != nil {
		res.Metric.Error = oneLine(err.Error())
		res.Detail = res.Metric.Error
	} else {
		res.Detail = "value " + value
	}
	return res
}

// promAnswer is the envelope of every Prometheus HTTP API answer.
type promAnswer struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	} `json:"data"`
}

// ErrMetricShape is returned for an answer golive cannot read as one number.
var ErrMetricShape = errors.New("metric answer is not one number")

func (r *Runner) query(ctx context.Context, m *checklist.Metric) (string, error) {
	u, err := url.Parse(m.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return "", fmt.Errorf("bad metric URL %q", m.URL)
	}
	if len(m.Headers) > 0 && u.Scheme != "https" {
		return "", fmt.Errorf("%w: secret headers are sent only over https", ErrRefused)
	}
	if err := r.Guard.CheckTarget(u.Hostname()); err != nil {
		return "", err
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/api/v1/query"
	u.RawPath = ""
	u.RawQuery = url.Values{"query": {m.Query}}.Encode()
	u.Fragment = ""
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	repo := release.ProbeRepo(ctx)
	for name, ref := range m.Headers {
		if r.Secret == nil {
			return "", fmt.Errorf("header %s names secret %q, which the server does not hold", name, ref.Secret)
		}
		v, err := r.Secret(ref.Secret, repo)
		if err != nil {
			return "", fmt.Errorf("header %s: %w", name, err)
		}
		req.Header.Set(name, v)
	}
	req.Header.Set("User-Agent", "golive-metric")
	req.Header.Set("Accept", "application/json")
	client := &http.Client{
		Transport: r.transport(&tls.Config{RootCAs: r.Roots, MinVersion: tls.VersionTLS12}),
		// A query API has no reason to redirect; following one would
		// carry the query (and its secrets) somewhere the config never
		// named.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return "", fmt.Errorf("read answer: %w", err)
	}
	if len(body) > MaxBody {
		return "", fmt.Errorf("answer is over %d bytes", MaxBody)
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return "", fmt.Errorf("HTTP %d: golive follows no redirect from a metric API; give the final URL", resp.StatusCode)
	}
	return readAnswer(resp.StatusCode, body)
}

// readAnswer reads one number from a Prometheus API answer: a scalar, or
// a vector of exactly one sample. Anything else fails with the reason.
func readAnswer(status int, body []byte) (string, error) {
	var a promAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		if status != http.StatusOK {
			return "", fmt.Errorf("HTTP %d from the metric API", status)
		}
		return "", fmt.Errorf("%w: not a Prometheus API answer: %v", ErrMetricShape, err)
	}
	if a.Status != "success" {
		if a.Status == "error" {
			return "", fmt.Errorf("the metric API refused the query (HTTP %d, %s): %s", status, a.ErrorType, a.Error)
		}
		return "", fmt.Errorf("%w: status %q (HTTP %d)", ErrMetricShape, a.Status, status)
	}
	switch a.Data.ResultType {
	case "scalar":
		return sampleValue(a.Data.Result)
	case "vector":
		var vec []struct {
			Metric map[string]string `json:"metric"`
			Value  json.RawMessage   `json:"value"`
		}
		if err := json.Unmarshal(a.Data.Result, &vec); err != nil {
			return "", fmt.Errorf("%w: bad vector: %v", ErrMetricShape, err)
		}
		switch len(vec) {
		case 0:
			return "", fmt.Errorf("%w: the query matched no series (empty result)", ErrMetricShape)
		case 1:
			return sampleValue(vec[0].Value)
		}
		return "", fmt.Errorf("%w: the query answers %d series; aggregate it to one, e.g. with sum() or max()", ErrMetricShape, len(vec))
	case "matrix":
		return "", fmt.Errorf("%w: the query answers a range vector; drop the [range] or wrap it in a function such as rate()", ErrMetricShape)
	case "string":
		return "", fmt.Errorf("%w: the query answers a string", ErrMetricShape)
	}
	return "", fmt.Errorf("%w: unknown result type %q", ErrMetricShape, a.Data.ResultType)
}

// sampleValue reads [time, "value"], keeping the value as written.
func sampleValue(raw json.RawMessage) (string, error) {
	var pair []json.RawMessage
	if err := json.Unmarshal(raw, &pair); err != nil || len(pair) != 2 {
		return "", fmt.Errorf("%w: a sample must be [time, \"value\"]", ErrMetricShape)
	}
	var v string
	if err := json.Unmarshal(pair[1], &v); err != nil {
		return "", fmt.Errorf("%w: a sample's value must be a string", ErrMetricShape)
	}
	if len(v) > 64 {
		return "", fmt.Errorf("%w: a sample's value is %d bytes long", ErrMetricShape, len(v))
	}
	return v, nil
}
