package cli

import (
	"context"
	"net"
	"net/url"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/worker"
)

var _ worker.MetricQuerier = localProber{}

// Metric queries metric APIs on this machine's loopback only, like Run
// does for probes; any other URL gets a failed sample without touching
// the network.
func (l localProber) Metric(ctx context.Context, m *checklist.Metric) release.ProbeResult {
	var host string
	if u, err := url.Parse(m.URL); err == nil {
		host = u.Hostname()
	}
	mq, ok := l.inner.(worker.MetricQuerier)
	if ip := net.ParseIP(host); !ok || ip == nil || !ip.IsLoopback() {
		const why = "not queried: only loopback metric APIs are queried here"
		return release.ProbeResult{At: time.Now().UTC(), Detail: why, Metric: &release.MetricSample{Query: m.Query, Error: why}}
	}
	return mq.Metric(ctx, m)
}
