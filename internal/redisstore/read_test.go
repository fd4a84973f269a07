package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/redisstore"
)

// A read that may block for an hour ends once its context is cancelled:
// a stopping worker does not wait out the block.
func TestReadEndsOnCancel(t *testing.T) {
	s, _ := newStore(t)
	redisstore.SetReadSlice(s, 20*time.Millisecond)
	if err := s.EnsureGroup(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.Read(ctx, "c1", 1, time.Hour)
		done <- err
	}()
	// Cancel once the read is likely blocking in Redis. Either order
	// passes with cancellable reads; only a read that waits out its block
	// fails, so this wait orders nothing the test relies on.
	time.AfterFunc(50*time.Millisecond, cancel)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("a read blocking for an hour did not end when its context was cancelled")
	}
}

// A delivery queued while a read blocks is returned by that read.
func TestReadReturnsWhatArrives(t *testing.T) {
	s, _ := newStore(t)
	store := s
	redisstore.SetReadSlice(s, 20*time.Millisecond)
	ctx := context.Background()
	if err := s.EnsureGroup(ctx); err != nil {
		t.Fatal(err)
	}
	got := make(chan []redisstore.Delivery, 1)
	go func() {
		out, err := s.Read(ctx, "c1", 1, time.Hour)
		if err != nil {
			t.Error(err)
		}
		got <- out
	}()
	if _, err := store.Enqueue(ctx, redisstore.Delivery{ID: "d-1", Event: "ping", Payload: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	select {
	case out := <-got:
		if len(out) != 1 || out[0].ID != "d-1" {
			t.Fatalf("read %+v, want delivery d-1", out)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a delivery queued during the read was not returned")
	}
}
