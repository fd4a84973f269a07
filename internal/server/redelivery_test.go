package server_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
	"github.com/ag06mixer/golive/internal/server"
	"github.com/ag06mixer/golive/internal/webhook"
)

// downQueue is the real store behind a switch that makes it fail as a
// Redis that does not answer does: nothing is marked seen, nothing queued.
type downQueue struct {
	*redisstore.Store
	down atomic.Bool
}

func (q *downQueue) Enqueue(ctx context.Context, d queue.Delivery) (bool, error) {
	if q.down.Load() {
		return false, errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")
	}
	return q.Store.Enqueue(ctx, d)
}

// TestIngestRedeliveryDedupe: a redelivery keeps its X-GitHub-Delivery.
// One golive never queued (its first try got 503, Redis down) is taken as
// new; one golive queued stays a duplicate, however often it comes again.
func TestIngestRedeliveryDedupe(t *testing.T) {
	r := redistest.New(t)
	store := redisstore.New(r.Client, r.Prefix)
	q := &downQueue{Store: store}
	h := server.New(server.Deps{Queue: q, Secrets: [][]byte{[]byte("s")}, Handled: webhook.Handled})
	body := readPayload(t, "issue_comment/created.json")
	post := func(id string) int {
		req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", "issue_comment")
		req.Header.Set("X-GitHub-Delivery", id)
		req.Header.Set("X-Hub-Signature-256", sign("s", body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	depth := func() int64 {
		st, err := store.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return st.Depth
	}
	const missed, queued = "72d3162e-cc78-11e3-81ab-4c9367dc0958", "8a0e1c2a-b361-11eb-836d-0e4f3503ccbe"
	steps := []struct {
		name  string
		down  bool
		id    string
		want  int
		depth int64
	}{
		{"first try while Redis is down", true, missed, 503, 0},
		{"its redelivery once Redis is back: new", false, missed, 202, 1},
		{"that redelivery again: duplicate", false, missed, 200, 1},
		{"a delivery queued at its first try", false, queued, 202, 2},
		{"its redelivery: duplicate", false, queued, 200, 2},
		{"and again: duplicate", false, queued, 200, 2},
	}
	for _, s := range steps {
		q.down.Store(s.down)
		if got := post(s.id); got != s.want {
			t.Errorf("%s: got %d, want %d", s.name, got, s.want)
		}
		if got := depth(); got != s.depth {
			t.Errorf("%s: the stream holds %d entries, want %d", s.name, got, s.depth)
		}
	}
}
