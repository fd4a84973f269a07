package probe

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// promAPI answers /prom/api/v1/query like Prometheus does, by query.
func promAPI(t *testing.T, elsewhere *atomic.Int32) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere/api/v1/query" {
			if r.Header.Get("Authorization") != "" {
				elsewhere.Add(1)
			}
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"scalar","result":[1,"0"]}}`)
			return
		}
		if r.URL.Path != "/prom/api/v1/query" || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("Authorization") != "s3cret-token" {
			w.WriteHeader(401)
			fmt.Fprint(w, "unauthorized")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Query().Get("query") {
		case "scalar(up)":
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"scalar","result":[1700000000.123,"0.25"]}}`)
		case "up":
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"api"},"value":[1700000000,"1"]}]}}`)
		case "nan":
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"NaN"]}]}}`)
		case "none":
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[]}}`)
		case "two":
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"i":"a"},"value":[1,"1"]},{"metric":{"i":"b"},"value":[1,"2"]}]}}`)
		case "up[5m]":
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"1"]]}]}}`)
		case `"text"`:
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"string","result":[1,"text"]}}`)
		case "number-value":
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"scalar","result":[1,0.5]}}`)
		case "sum(":
			w.WriteHeader(400)
			fmt.Fprint(w, `{"status":"error","errorType":"bad_data","error":"1:5: parse error: unclosed left parenthesis"}`)
		case "proxy":
			w.WriteHeader(502)
			fmt.Fprint(w, "<html>bad gateway</html>")
		case "redirect":
			http.Redirect(w, r, "/elsewhere/api/v1/query?query=redirect", http.StatusFound)
		case "big":
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"scalar","result":[1,"`+strings.Repeat("9", MaxBody)+`"]}}`)
		case "hang":
			<-release
		default:
			w.WriteHeader(500)
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv
}

func TestMetricQuery(t *testing.T) {
	var elsewhere atomic.Int32
	srv := promAPI(t, &elsewhere)
	r := loopbackRunner(t)
	r.Roots = x509.NewCertPool()
	r.Roots.AddCert(srv.Certificate())
	auth := map[string]checklist.SecretRef{"Authorization": {Secret: "token"}}
	for _, tc := range []struct {
		name, query, value, err string
	}{
		{"scalar", "scalar(up)", "0.25", ""},
		{"one series", "up", "1", ""},
		{"NaN is read as written, judged later", "nan", "NaN", ""},
		{"empty result", "none", "", "the query matched no series (empty result)"},
		{"two series", "two", "", "the query answers 2 series; aggregate it to one"},
		{"range vector", "up[5m]", "", "the query answers a range vector"},
		{"string", `"text"`, "", "the query answers a string"},
		{"value not a string", "number-value", "", `a sample's value must be a string`},
		{"bad PromQL", "sum(", "", "the metric API refused the query (HTTP 400, bad_data): 1:5: parse error: unclosed left parenthesis"},
		{"not JSON", "proxy", "", "HTTP 502 from the metric API"},
		{"redirect", "redirect", "", "HTTP 302: golive follows no redirect"},
		{"oversized answer", "big", "", "answer is over 1048576 bytes"},
		{"server error", "other", "", "HTTP 500 from the metric API"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &checklist.Metric{URL: srv.URL + "/prom/", Query: tc.query, Headers: auth}
			res := r.Metric(context.Background(), m)
			if res.Metric == nil || res.Metric.Query != tc.query {
				t.Fatalf("got sample %+v, want one for query %q", res.Metric, tc.query)
			}
			if res.Metric.Value != tc.value {
				t.Errorf("got value %q, want %q", res.Metric.Value, tc.value)
			}
			if !strings.Contains(res.Metric.Error, tc.err) || (tc.err == "") != (res.Metric.Error == "") {
				t.Errorf("got error %q, want %q", res.Metric.Error, tc.err)
			}
			if res.OK {
				t.Errorf("the runner decided OK; release decides")
			}
		})
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the secret header reached the redirect target %d times", n)
	}
}

// TestMetricFailsClosed: every way of not reading a number ends in a
// not-passing verdict that says why.
func TestMetricFailsClosed(t *testing.T) {
	var elsewhere atomic.Int32
	srv := promAPI(t, &elsewhere)
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	deadURL := "http://" + closed.Addr().String()
	closed.Close()
	r := loopbackRunner(t)
	r.Roots = x509.NewCertPool()
	r.Roots.AddCert(srv.Certificate())
	strict, _ := ParseAllow("")
	guarded := &Runner{Guard: strict}
	auth := map[string]checklist.SecretRef{"Authorization": {Secret: "token"}}
	for _, tc := range []struct {
		name string
		r    *Runner
		m    checklist.Metric
		want string
	}{
		{"unreachable", r, checklist.Metric{URL: deadURL, Query: "up"}, "connection refused"},
		{"SSRF guard refuses loopback", guarded, checklist.Metric{URL: srv.URL + "/prom", Query: "up"}, "refused by golive's probe guard"},
		{"SSRF guard refuses a localhost name", guarded, checklist.Metric{URL: "http://localhost:9090", Query: "up"}, "names this machine"},
		{"SSRF guard refuses an ambiguous literal", guarded, checklist.Metric{URL: "http://2130706433:9090", Query: "up"}, "ambiguous IP literal"},
		{"secret over plain http", r, checklist.Metric{URL: "http://127.0.0.1:1", Query: "up", Headers: auth}, "sent only over https"},
		{"unknown secret", r, checklist.Metric{URL: srv.URL + "/prom", Query: "up", Headers: map[string]checklist.SecretRef{"Authorization": {Secret: "nope"}}}, "does not hold"},
		{"no secret, 401", r, checklist.Metric{URL: srv.URL + "/prom", Query: "up"}, "HTTP 401"},
		{"NaN", r, checklist.Metric{URL: srv.URL + "/prom", Query: "nan", Headers: auth}, "value is NaN"},
		{"empty", r, checklist.Metric{URL: srv.URL + "/prom", Query: "none", Headers: auth}, "empty result"},
		{"hangs past the timeout", r, checklist.Metric{URL: srv.URL + "/prom", Query: "hang", Headers: auth, Timeout: checklist.Duration(100 * time.Millisecond)}, "timed out after 100ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.m.Expect = checklist.MetricExpect{Op: ">=", Value: 0}
			got := release.JudgeMetric(&tc.m, tc.r.Metric(context.Background(), &tc.m))
			if got.OK || !strings.Contains(got.Detail, tc.want) {
				t.Errorf("got ok=%v %q, want not passing with %q", got.OK, got.Detail, tc.want)
			}
		})
	}
	m := checklist.Metric{URL: srv.URL + "/prom", Query: "up", Headers: auth, Expect: checklist.MetricExpect{Op: "==", Value: 1}}
	if got := release.JudgeMetric(&m, r.Metric(context.Background(), &m)); !got.OK || got.Detail != "value 1 (want == 1)" {
		t.Errorf("got ok=%v %q, want a pass", got.OK, got.Detail)
	}
}

// FuzzReadAnswer: whatever a metric API answers, reading it never panics,
// and it yields either an error or one short value.
func FuzzReadAnswer(f *testing.F) {
	f.Add(200, []byte(`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"0.5"]}]}}`))
	f.Add(200, []byte(`{"status":"success","data":{"resultType":"scalar","result":[1,"NaN"]}}`))
	f.Add(400, []byte(`{"status":"error","errorType":"bad_data","error":"x"}`))
	f.Add(200, []byte(`{"status":"success","data":{"resultType":"vector","result":[{"value":[1]}]}}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		v, err := readAnswer(status, body)
		if len(v) > 64 {
			t.Errorf("got a %d-byte value", len(v))
		}
		if err != nil && v != "" {
			t.Errorf("got value %q and error %v", v, err)
		}
	})
}
