package loadgen

import (
	"net/http"

	"github.com/google/go-github/v60/github"
	"github.com/redis/go-redis/v9"
)

// Baseline is the least an ingest can do, the yardstick of golive's: bare
// net/http, go-github's ValidatePayload (the body read, its size and the
// signature checked) and one XADD of the payload to stream, with no
// dedupe, decode, gin, metrics or workers. BenchmarkIngestBaseline serves
// it in process; golive-load --baseline serves it in a process of its own.
func Baseline(rdb redis.UniversalClient, stream string, secret []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			w.WriteHeader(http.StatusOK)
			return
		}
		payload, err := github.ValidatePayload(r, secret)
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if err := rdb.XAdd(r.Context(), &redis.XAddArgs{Stream: stream, Values: []any{"payload", payload}}).Err(); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
}
