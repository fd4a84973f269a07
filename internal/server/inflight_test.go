package server_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
	"github.com/ag06mixer/golive/internal/server"
	"github.com/ag06mixer/golive/internal/webhook"
)

// heldQueue holds each Enqueue until released, so a request can be
// looked at while it is being answered.
type heldQueue struct {
	*redisstore.Store
	in      chan struct{}
	release chan struct{}
}

func (q *heldQueue) Enqueue(ctx context.Context, d queue.Delivery) (bool, error) {
	q.in <- struct{}{}
	<-q.release
	return q.Store.Enqueue(ctx, d)
}

// TestIngestCountsInFlight: Deps.InFlight counts the signed webhook
// requests being answered, from their signature's check to the answer:
// what the workers step down by. A request still sending its body, or one
// not signed, is not counted: nobody without the secret can hold the
// workers stepped down.
func TestIngestCountsInFlight(t *testing.T) {
	r := redistest.New(t)
	q := &heldQueue{Store: redisstore.New(r.Client, r.Prefix), in: make(chan struct{}), release: make(chan struct{})}
	var inflight atomic.Int64
	h := server.New(server.Deps{Queue: q, Secrets: [][]byte{[]byte("s3cret")}, Handled: webhook.Handled, InFlight: &inflight})
	body := readPayload(t, "check_run/completed.json")
	post := func(id, sig string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/webhook", strings.NewReader(string(body)))
		req.Header.Set("X-GitHub-Event", "check_run")
		req.Header.Set("X-GitHub-Delivery", id)
		req.Header.Set("X-Hub-Signature-256", sig)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	answered := make(chan int, 2)
	for _, id := range []string{"a", "b"} {
		go func() { answered <- post(id, sign("s3cret", body)).Code }()
		<-q.in // the request reached the queue: it is being answered
	}
	if n := inflight.Load(); n != 2 {
		t.Errorf("%d requests counted in flight, want 2", n)
	}
	close(q.release)
	for range 2 {
		if code := <-answered; code != http.StatusAccepted {
			t.Errorf("answered %d, want 202", code)
		}
	}
	if code := post("c", "sha256=00").Code; code != http.StatusUnauthorized {
		t.Errorf("a bad signature answered %d", code)
	}
	// A body that trickles in is not counted while it does.
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /webhook HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: check_run\r\nX-GitHub-Delivery: slow\r\n"+
		"X-Hub-Signature-256: %s\r\nContent-Length: %d\r\n\r\n%s", sign("s3cret", body), len(body), body[:10])
	time.Sleep(100 * time.Millisecond)
	if n := inflight.Load(); n != 0 {
		t.Errorf("a request still sending its body is counted in flight (%d)", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for inflight.Load() != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := inflight.Load(); n != 0 {
		t.Errorf("%d requests counted in flight after all were answered", n)
	}
}
