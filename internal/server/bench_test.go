package server_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ag06mixer/golive/internal/loadgen"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
	"github.com/ag06mixer/golive/internal/server"
	"github.com/ag06mixer/golive/internal/webhook"
)

// BenchmarkIngest measures POST /webhook in process: signature check,
// decode, dedupe and XADD on the test Redis, per real check_run payload.
func BenchmarkIngest(b *testing.B) {
	r := redistest.New(b)
	store := redisstore.New(r.Client, r.Prefix)
	h := server.New(server.Deps{Queue: store, Secrets: [][]byte{[]byte("s")}, Handled: webhook.Handled})
	body := readPayload(b, "check_run/completed.json")
	sig := sign("s", body)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", "check_run")
		req.Header.Set("X-GitHub-Delivery", fmt.Sprint("bench-", i))
		req.Header.Set("X-Hub-Signature-256", sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusAccepted {
			b.Fatalf("got %d", w.Code)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
}

// BenchmarkIngestBaseline is the least an ingest can do (loadgen.Baseline):
// bare net/http, ValidatePayload and one XADD, with no dedupe, decode, gin
// or metrics.
func BenchmarkIngestBaseline(b *testing.B) {
	r := redistest.New(b)
	h := loadgen.Baseline(r.Client, r.Prefix+":baseline", []byte("s"))
	body := readPayload(b, "check_run/completed.json")
	sig := sign("s", body)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", "check_run")
		req.Header.Set("X-Hub-Signature-256", sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusAccepted {
			b.Fatalf("got %d", w.Code)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
}
