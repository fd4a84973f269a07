package githubapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubapi"
)

// held is a GitHub that answers every request after its release channel
// is closed (or at once when it is nil), and counts what it was sent.
type held struct {
	release chan struct{}
	sent    atomic.Int32
	status  int
	header  http.Header
}

func (h *held) RoundTrip(r *http.Request) (*http.Response, error) {
	h.sent.Add(1)
	if h.release != nil {
		<-h.release
	}
	hd := http.Header{}
	for k, v := range h.header {
		hd[k] = v
	}
	return &http.Response{StatusCode: h.status, Header: hd, Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
}

// within fails the test when done is not closed in time: a guard
// against a hang, far beyond what the answer takes, not a measure of it.
func within(t *testing.T, done <-chan error, what string) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: still waiting after its context ended", what)
		return nil
	}
}

func send(rt http.RoundTripper, ctx context.Context, method string) <-chan error {
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, method, "http://127.0.0.1:1/repos/o/r/issues/1", nil)
		resp, err := rt.RoundTrip(req)
		if resp != nil {
			resp.Body.Close()
		}
		done <- err
	}()
	return done
}

// A write waiting its turn behind another gives up when its context
// ends: it neither waits for the one in flight nor is sent after it.
func TestWriteWaitingItsTurnGivesUpWithItsContext(t *testing.T) {
	gh := &held{release: make(chan struct{}), status: 200}
	rt := &githubapi.RateLimited{Base: gh}
	first := send(rt, context.Background(), http.MethodPatch)
	for gh.sent.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	second := send(rt, ctx, http.MethodPatch)
	cancel()
	if err := within(t, second, "the second write"); !errors.Is(err, context.Canceled) {
		t.Fatalf("the second write returned %v, want context.Canceled", err)
	}
	close(gh.release)
	if err := within(t, first, "the first write"); err != nil {
		t.Fatalf("the first write: %v", err)
	}
	if n := gh.sent.Load(); n != 1 {
		t.Fatalf("GitHub was sent %d writes, want 1: the given-up one went out", n)
	}
	// The turn is free again: a third write goes out.
	if err := within(t, send(rt, context.Background(), http.MethodPost), "the third write"); err != nil || gh.sent.Load() != 2 {
		t.Fatalf("a write after both: %v, %d sent, want it sent", err, gh.sent.Load())
	}
}

// A request that finds GitHub's rate limit in force gives up when its
// context ends, rather than sleeping out the limit (an hour here).
func TestRateLimitWaitGivesUpWithItsContext(t *testing.T) {
	gh := &held{status: 429, header: http.Header{"Retry-After": {"3600"}}}
	rt := &githubapi.RateLimited{Base: gh, MaxWait: 2 * time.Hour}
	if err := within(t, send(rt, context.Background(), http.MethodGet), "the limited read"); err != nil {
		t.Fatalf("the limited read: %v", err)
	}
	for _, method := range []string{http.MethodGet, http.MethodPatch} {
		ctx, cancel := context.WithCancel(context.Background())
		done := send(rt, ctx, method)
		time.Sleep(10 * time.Millisecond) // most often it is asleep by now; either way it must return
		cancel()
		if err := within(t, done, method+" under the limit"); !errors.Is(err, context.Canceled) {
			t.Fatalf("%s under the limit returned %v, want context.Canceled", method, err)
		}
	}
	if n := gh.sent.Load(); n != 1 {
		t.Fatalf("GitHub was sent %d requests, want 1: one went out under the limit", n)
	}
}
