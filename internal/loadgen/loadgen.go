// Package loadgen sends signed webhook deliveries to a golive on loopback,
// at a fixed rate or flat out, always bounded in count and time, and
// measures how fast they are acknowledged.
package loadgen

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Delivery is one webhook to send.
type Delivery struct {
	Event string
	ID    string
	Body  []byte
}

// Config bounds a run.
type Config struct {
	// URL of POST /webhook.
	URL    string
	Secret []byte
	// Rate in deliveries per second; 0 sends flat out.
	Rate float64
	// Count and Duration both bound the run; whichever ends it first.
	Count    int
	Duration time.Duration
	// Concurrency of senders (default 16).
	Concurrency int
	// Next returns delivery i.
	Next func(i int) Delivery
	// Client, when set, sends the requests.
	Client *http.Client
}

// Result is what a run measured.
type Result struct {
	Sent, Accepted, Duplicate, Failed int
	Elapsed                           time.Duration
	Latencies                         []time.Duration // sorted
	Statuses                          map[int]int
}

// Rate is the achieved deliveries per second.
func (r Result) Rate() float64 { return float64(r.Sent) / r.Elapsed.Seconds() }

// Quantile returns the q-quantile of the ack latency.
func (r Result) Quantile(q float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(q * float64(len(r.Latencies)-1))
	return r.Latencies[i]
}

func (r Result) String() string {
	return fmt.Sprintf("%d sent in %v (%.0f/s): %d accepted, %d duplicate, %d failed; ack p50 %v p95 %v p99 %v",
		r.Sent, r.Elapsed.Round(time.Millisecond), r.Rate(), r.Accepted, r.Duplicate, r.Failed,
		r.Quantile(.50).Round(time.Microsecond), r.Quantile(.95).Round(time.Microsecond), r.Quantile(.99).Round(time.Microsecond))
}

// Run sends deliveries until Count are sent or Duration has passed.
func Run(ctx context.Context, c Config) (Result, error) {
	if c.Count <= 0 || c.Duration <= 0 {
		return Result{}, fmt.Errorf("loadgen: Count and Duration must both bound the run")
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 16
	}
	client := c.Client
	if client == nil {
		client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.Concurrency}, Timeout: 10 * time.Second}
	}
	// Duration bounds when the last delivery starts; one already sent
	// finishes within the client's timeout rather than being cut and
	// counted as failed.
	sendCtx := ctx
	ctx, cancel := context.WithTimeout(ctx, c.Duration)
	defer cancel()
	jobs := make(chan int)
	var mu sync.Mutex
	res := Result{Statuses: map[int]int{}}
	var wg sync.WaitGroup
	for range c.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				d := c.Next(i)
				start := time.Now()
				status := send(sendCtx, client, c, d)
				lat := time.Since(start)
				mu.Lock()
				res.Sent++
				res.Statuses[status]++
				switch {
				case status == http.StatusAccepted:
					res.Accepted++
				case status == http.StatusOK:
					res.Duplicate++
				default:
					res.Failed++
				}
				res.Latencies = append(res.Latencies, lat)
				mu.Unlock()
			}
		}()
	}
	start := time.Now()
	var tick *time.Ticker
	if c.Rate > 0 {
		tick = time.NewTicker(time.Duration(float64(time.Second) / c.Rate))
		defer tick.Stop()
	}
feed:
	for i := 0; i < c.Count; i++ {
		if tick != nil {
			select {
			case <-tick.C:
			case <-ctx.Done():
				break feed
			}
		}
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	res.Elapsed = time.Since(start)
	slices.Sort(res.Latencies)
	return res, nil
}

func send(ctx context.Context, client *http.Client, c Config, d Delivery) int {
	req, err := NewRequest(ctx, c.URL, c.Secret, d)
	if err != nil {
		return 0
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}
