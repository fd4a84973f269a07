package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-github/v60/github"
	"github.com/redis/go-redis/v9"

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

// BenchmarkIngestBaseline is the least an ingest can do: bare net/http,
// ValidatePayload and one XADD, with no dedupe, decode, gin or metrics.
func BenchmarkIngestBaseline(b *testing.B) {
	r := redistest.New(b)
	key := r.Prefix + ":baseline"
	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		payload, err := github.ValidatePayload(req, []byte("s"))
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if err := r.Client.XAdd(context.Background(), &redis.XAddArgs{Stream: key, Values: []any{"payload", payload}}).Err(); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
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
