package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/loadgen"
)

// BenchmarkAckLatency drives the whole golive (server, worker, Redis,
// fake GitHub) over loopback at a fixed 500 deliveries/s, with real
// check_run payloads spread over 20 release PRs, and reports the ack
// latency quantiles. b.N bounds the count; 60 s bounds the time.
func BenchmarkAckLatency(b *testing.B) {
	h := newHarness(b, harnessOpts{})
	bodies := make([][]byte, 20)
	for pr := range bodies {
		bodies[pr] = payload(b, "check_run/completed.json", func(m map[string]any) {
			set(m, "check_run.head_sha", headA)
			prs := m["check_run"].(map[string]any)["pull_requests"].([]any)
			set(prs[0].(map[string]any), "number", 100+pr)
		})
	}
	b.ResetTimer()
	res, err := loadgen.Run(context.Background(), loadgen.Config{
		URL: h.nodes[0].url + "/webhook", Secret: []byte(testSecret),
		Rate: 500, Count: b.N, Duration: 60 * time.Second,
		Next: func(i int) loadgen.Delivery {
			return loadgen.Delivery{Event: "check_run", ID: fmt.Sprintf("ack-%d-%d", b.N, i), Body: bodies[i%len(bodies)]}
		},
	})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if res.Failed > 0 {
		b.Fatalf("%d deliveries failed: %v", res.Failed, res.Statuses)
	}
	b.ReportMetric(float64(res.Quantile(.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(res.Quantile(.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(res.Rate(), "deliveries/s")
	b.Log(res)
}
