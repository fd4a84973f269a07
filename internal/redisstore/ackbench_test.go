package redisstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
)

// BenchmarkAck is one delivery read and acknowledged, as a worker does.
func BenchmarkAck(b *testing.B) {
	r := redistest.New(b)
	s := redisstore.New(r.Client, r.Prefix)
	ctx := context.Background()
	payload := []byte(`{"action":"completed"}`)
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		if _, err := s.Enqueue(ctx, redisstore.Delivery{ID: fmt.Sprint("d-", i), Event: "check_run", Payload: payload, Received: time.Now()}); err != nil {
			b.Fatal(err)
		}
		got, err := s.Read(ctx, "c1", 1, 10*time.Millisecond)
		if err != nil || len(got) != 1 {
			b.Fatal(got, err)
		}
		b.StartTimer()
		if err := s.Ack(ctx, got[0].Entry); err != nil {
			b.Fatal(err)
		}
	}
}
