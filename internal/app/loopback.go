//go:build !nodemo

package app

import (
	"context"
	"net"
	"net/url"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/worker"
)

var _ worker.MetricQuerier = Loopback{}

// Metric queries metric APIs on this machine's loopback only, like Run
// does for probes; any other URL gets a failed sample without touching
// the network.
func (l Loopback) Metric(ctx context.Context, m *checklist.Metric) release.ProbeResult {
	var host string
	if u, err := url.Parse(m.URL); err == nil {
		host = u.Hostname()
	}
	mq, ok := l.Inner.(worker.MetricQuerier)
	if ip := net.ParseIP(host); !ok || ip == nil || !ip.IsLoopback() {
		const why = "not queried: only loopback metric APIs are queried here"
		return release.ProbeResult{At: time.Now().UTC(), Detail: why, Metric: &release.MetricSample{Query: m.Query, Error: why}}
	}
	return mq.Metric(ctx, m)
}

// Loopback runs probes whose target is on this machine's loopback and
// answers every other probe with a failure, without touching the network:
// the demo and the tests never leave the machine.
type Loopback struct{ Inner worker.Prober }

func (l Loopback) Run(ctx context.Context, p *checklist.Probe) release.ProbeResult {
	var target string
	switch {
	case p.HTTP != nil:
		if u, err := url.Parse(p.HTTP.URL); err == nil {
			target = u.Hostname()
		}
	case p.TLS != nil:
		target, _, _ = net.SplitHostPort(p.TLS.Host)
	case p.TCP != nil:
		target, _, _ = net.SplitHostPort(p.TCP.Address)
	case p.DNS != nil:
		target, _, _ = net.SplitHostPort(p.DNS.Resolver)
	}
	if ip := net.ParseIP(target); ip == nil || !ip.IsLoopback() {
		return release.ProbeResult{At: time.Now().UTC(), Detail: "not probed: only loopback targets are probed here"}
	}
	return l.Inner.Run(ctx, p)
}

// CheckTarget lets the worker ask the wrapped prober's guard about a
// probe target before any probe runs (worker.TargetChecker).
func (l Loopback) CheckTarget(host string) error {
	if tc, ok := l.Inner.(worker.TargetChecker); ok {
		return tc.CheckTarget(host)
	}
	return nil
}
