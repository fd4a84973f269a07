package server_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/loadgen"
	"github.com/ag06mixer/golive/internal/metrics"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
	"github.com/ag06mixer/golive/internal/server"
	"github.com/ag06mixer/golive/internal/webhook"
)

func sign(secret string, body []byte) string { return loadgen.Signature([]byte(secret), body) }

func readPayload(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "webhooks", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type ingestCase struct {
	name   string
	event  string
	id     string
	body   []byte
	sig    string // "" → signed with the current secret; "-" → no header
	want   int
	queued int64 // stream length after the request
}

// TestIngestBadInput sends real payloads, signed over the file bytes, and
// bad ones; each gets its status and nothing is queued twice.
func TestIngestBadInput(t *testing.T) {
	r := redistest.New(t)
	store := redisstore.New(r.Client, r.Prefix)
	h := server.New(server.Deps{Queue: store, Secrets: [][]byte{[]byte("new-secret"), []byte("old-secret")}, Handled: webhook.Handled})
	opened := readPayload(t, "pull_request/opened.json")
	huge := bytes.Repeat([]byte(" "), 26<<20)
	cases := []ingestCase{
		{name: "real payload", event: "pull_request", id: "a", body: opened, want: 202, queued: 1},
		{name: "replayed delivery id", event: "pull_request", id: "a", body: opened, want: 200, queued: 1},
		{name: "old secret during rotation", event: "check_run", id: "b", body: readPayload(t, "check_run/completed.json"), sig: sign("old-secret", readPayload(t, "check_run/completed.json")), want: 202, queued: 2},
		{name: "wrong secret", event: "pull_request", id: "c", body: opened, sig: sign("guess", opened), want: 401, queued: 2},
		{name: "missing signature", event: "pull_request", id: "d", body: opened, sig: "-", want: 401, queued: 2},
		{name: "bad signature format", event: "pull_request", id: "e", body: opened, sig: "sha256=zz", want: 401, queued: 2},
		{name: "tampered body", event: "pull_request", id: "f", body: append(bytes.Clone(opened), ' '), sig: sign("new-secret", opened), want: 401, queued: 2},
		{name: "26 MB body", event: "pull_request", id: "g", body: huge, want: 413, queued: 2},
		{name: "JSON but not an object", event: "pull_request", id: "i", body: []byte(`null`), want: 400, queued: 2},
		{name: "unknown event", event: "gollum", id: "j", body: []byte(`{"pages":[]}`), want: 202, queued: 2},
		{name: "missing event header", event: "", id: "k", body: opened, want: 400, queued: 2},
		{name: "missing delivery header", event: "pull_request", id: "", body: opened, want: 400, queued: 2},
		{name: "ping", event: "ping", id: "l", body: []byte(`{"zen":"Design for failure."}`), want: 200, queued: 2},
		{name: "status payload", event: "status", id: "m", body: readPayload(t, "status/payload.json"), want: 202, queued: 3},
		// A signed body cut short is queued: the worker dead-letters it at
		// once with its reason (TestE2EBadPayloadIsDeadLettered).
		{name: "truncated JSON object", event: "pull_request", id: "h", body: []byte(`{"action":`), want: 202, queued: 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(c.body))
			req.Header.Set("Content-Type", "application/json")
			if c.event != "" {
				req.Header.Set("X-GitHub-Event", c.event)
			}
			if c.id != "" {
				req.Header.Set("X-GitHub-Delivery", c.id)
			}
			switch c.sig {
			case "":
				req.Header.Set("X-Hub-Signature-256", sign("new-secret", c.body))
			case "-":
			default:
				req.Header.Set("X-Hub-Signature-256", c.sig)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != c.want {
				t.Errorf("got %d %s, want %d", w.Code, w.Body, c.want)
			}
			st, err := store.Stats(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if st.Depth != c.queued {
				t.Errorf("stream holds %d entries, want %d", st.Depth, c.queued)
			}
			if w.Code >= 400 && !strings.Contains(w.Body.String(), `"error"`) {
				t.Errorf("refusal without a reason: %s", w.Body)
			}
		})
	}
}

// TestIngestDeadRedis: with Redis gone, ingest answers 503 with a reason,
// so GitHub records the failure and the delivery can be redelivered.
func TestIngestDeadRedis(t *testing.T) {
	r := redistest.New(t)
	store := redisstore.New(r.Client, r.Prefix)
	h := server.New(server.Deps{Queue: store, Secrets: [][]byte{[]byte("s")}, Handled: webhook.Handled,
		Ready: []server.Check{{Name: "redis", Fn: store.Ping}}})
	r.Close()
	body := readPayload(t, "pull_request/opened.json")
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	req.Header.Set("X-GitHub-Event", "pull_request")
	req.Header.Set("X-GitHub-Delivery", "x")
	req.Header.Set("X-Hub-Signature-256", sign("s", body))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("POST /webhook with Redis dead: got %d, want 503", w.Code)
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "redis") {
		t.Errorf("GET /readyz with Redis dead: got %d %s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if w.Code != http.StatusOK {
		t.Errorf("GET /healthz: got %d", w.Code)
	}
}

func TestMetricsServed(t *testing.T) {
	r := redistest.New(t)
	m := metrics.New()
	h := server.New(server.Deps{Queue: redisstore.New(r.Client, r.Prefix), Secrets: [][]byte{[]byte("s")}, Handled: webhook.Handled, Metrics: m})
	body := []byte(`{"zen":"x"}`)
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	req.Header.Set("X-GitHub-Event", "ping")
	req.Header.Set("X-GitHub-Delivery", "p")
	req.Header.Set("X-Hub-Signature-256", sign("s", body))
	h.ServeHTTP(httptest.NewRecorder(), req)
	w := httptest.NewRecorder()
	server.NewMetrics(m, nil).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if !strings.Contains(w.Body.String(), `golive_webhook_deliveries_total{event="ping",outcome="ping"} 1`) {
		t.Errorf("metrics lack the ping delivery:\n%.2000s", w.Body)
	}
	// Not on the webhook port.
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("/metrics on the webhook handler: %d, want 404", w.Code)
	}
}

// TestIngestEmptySecretRefuses: go-github does not check a signature
// against an empty secret; golive refuses instead.
func TestIngestEmptySecretRefuses(t *testing.T) {
	r := redistest.New(t)
	h := server.New(server.Deps{Queue: redisstore.New(r.Client, r.Prefix), Secrets: [][]byte{nil, {}}, Handled: webhook.Handled})
	body := readPayload(t, "pull_request/opened.json")
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	req.Header.Set("X-GitHub-Event", "pull_request")
	req.Header.Set("X-GitHub-Delivery", "e")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusUnauthorized {
		t.Errorf("unsigned delivery with no secret configured: got %d, want 401", w.Code)
	}
}
