package e2e

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/loadgen"
)

// poster posts batches concurrently, flat out or at a rate, to urls in
// turn, and records the ack latencies.
type poster struct {
	t    *testing.T
	urls func() []string
	rate float64
	mu   sync.Mutex
	res  []loadgen.Result
	n    int
}

func (p *poster) post(event string, bodies [][]byte) {
	p.mu.Lock()
	base := p.n
	p.n += len(bodies)
	p.mu.Unlock()
	urls := p.urls()
	var wg sync.WaitGroup
	var results []loadgen.Result
	var rmu sync.Mutex
	for j, u := range urls {
		var mine []int
		for i := j; i < len(bodies); i += len(urls) {
			mine = append(mine, i)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := loadgen.Run(context.Background(), loadgen.Config{URL: u + "/webhook", Secret: []byte(testSecret), Rate: p.rate / float64(len(urls)),
				Count: len(mine), Duration: 2 * time.Minute, Concurrency: 8,
				Next: func(i int) loadgen.Delivery {
					return loadgen.Delivery{Event: event, ID: fmt.Sprintf("storm-%d", base+mine[i]), Body: bodies[mine[i]]}
				}})
			if err != nil {
				p.t.Error(err)
			}
			rmu.Lock()
			results = append(results, res)
			rmu.Unlock()
		}()
	}
	wg.Wait()
	for _, r := range results {
		if r.Failed > 0 {
			p.t.Errorf("%s: %d deliveries refused: %v", event, r.Failed, r.Statuses)
		}
	}
	p.mu.Lock()
	p.res = append(p.res, results...)
	p.mu.Unlock()
}

func (p *poster) summary() string {
	var lat []time.Duration
	sent := 0
	for _, r := range p.res {
		lat = append(lat, r.Latencies...)
		sent += r.Sent
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(f float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(f*float64(len(lat)-1))].Round(time.Microsecond)
	}
	return fmt.Sprintf("%d deliveries; ack p50 %v p95 %v p99 %v", sent, q(.5), q(.95), q(.99))
}
