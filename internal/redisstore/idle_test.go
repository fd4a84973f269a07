package redisstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/redisstore"
)

// Idle holds only with nothing queued, nothing in a worker's hands and no
// release owed a sync; WaitIdle says what was left when it gives up.
func TestIdle(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if err := s.EnsureGroup(ctx); err != nil {
		t.Fatal(err)
	}
	idle := func() bool {
		t.Helper()
		ok, _, err := s.Idle(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !idle() {
		t.Fatal("an empty store is not idle")
	}
	if _, err := s.Enqueue(ctx, redisstore.Delivery{ID: "d-1", Event: "ping", Payload: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if idle() {
		t.Fatal("idle with a delivery queued")
	}
	got, err := s.Read(ctx, "c1", 1, 10*time.Millisecond)
	if err != nil || len(got) != 1 {
		t.Fatalf("read %v, %v", got, err)
	}
	if idle() {
		t.Fatal("idle with a delivery in a worker's hands")
	}
	err = s.WaitIdle(ctx, 30*time.Millisecond, 5*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "1 in hand") {
		t.Fatalf("WaitIdle: %v; want it to name the delivery in hand", err)
	}
	if err := s.Ack(ctx, got[0].Entry); err != nil {
		t.Fatal(err)
	}
	if !idle() {
		t.Fatal("not idle once the delivery is acknowledged")
	}
	d, _, err := s.MarkDirty(ctx, "o/r#1", time.Now(), time.Second, time.Minute, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if idle() {
		t.Fatal("idle with a release owed a sync")
	}
	if _, err := s.ClearDirty(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitIdle(ctx, time.Second, 5*time.Millisecond); err != nil {
		t.Fatal(err)
	}
}
