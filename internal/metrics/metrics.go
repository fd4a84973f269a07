// Package metrics holds golive's Prometheus collectors, registered on one
// registry that /metrics serves. Every part of golive reports through it.
package metrics

import (
	"regexp"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are golive's collectors.
type Metrics struct {
	Registry *prometheus.Registry

	// Ingest.
	Deliveries       *prometheus.CounterVec   // event, outcome
	DeliveryDuration *prometheus.HistogramVec // outcome
	// Worker.
	Processed      *prometheus.CounterVec   // event, outcome
	HeldBack       prometheus.Counter       // entries held back while the ingest was saturated
	ProcessSeconds *prometheus.HistogramVec // event
	Syncs          *prometheus.CounterVec   // outcome
	GitHubWrites   *prometheus.CounterVec   // object
	// Refused counts writes GitHub refused for good (422, or a target
	// gone), or replies and reactions it kept refusing for an hour, that
	// golive dropped instead of retrying forever.
	Refused *prometheus.CounterVec // object, status
	// Panics counts panics recovered while handling one event, sync or
	// loop pass.
	Panics *prometheus.CounterVec // where
	// Queue gauges, refreshed by the worker.
	QueueDepth   prometheus.Gauge
	QueuePending prometheus.Gauge
	QueueDelayed prometheus.Gauge
	QueueDead    prometheus.Gauge
	Dirty        prometheus.Gauge
	// GitHub client.
	GitHubRequests  *prometheus.CounterVec   // method, route, status
	GitHubSeconds   *prometheus.HistogramVec // method
	RateRemaining   *prometheus.GaugeVec     // installation
	OpenReleases    prometheus.Gauge
	ReconcileErrors prometheus.Counter
	Probes          *prometheus.CounterVec // kind, outcome
	// Redelivery sweeper (internal/redeliver).
	Redeliveries  *prometheus.CounterVec // outcome
	RedeliveryLag prometheus.Gauge
	// BreakerOpen is 1 while an installation's GitHub circuit breaker is
	// open (its deliveries wait), 0 once it closed again.
	BreakerOpen *prometheus.GaugeVec // installation
	// Requeued counts dead letters put back on the queue, by reason.
	Requeued *prometheus.CounterVec // reason
	// GitHubReachable is 1 when GitHub last accepted the App's JWT, 0
	// when it did not (checked at most once a minute per replica).
	GitHubReachable prometheus.Gauge
	// Release health (health.go).
	Health

	own []prometheus.Collector
}

// New registers golive's collectors, with the Go and process collectors,
// on a fresh registry.
func New() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry: r,
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "golive_webhook_deliveries_total",
			Help: "Webhook deliveries by event and outcome (queued, duplicate, ignored, ping, bad_signature, too_large, busy, timeout, malformed, bad_request, error)."}, []string{"event", "outcome"}),
		DeliveryDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "golive_webhook_ack_seconds",
			Help: "Time from request to answer at POST /webhook.", Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}}, []string{"outcome"}),
		Processed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "golive_worker_events_total",
			Help: "Queue entries processed by event and outcome (applied, ignored, retried, dead)."}, []string{"event", "outcome"}),
		HeldBack: prometheus.NewCounter(prometheus.CounterOpts{Name: "golive_worker_held_back_total",
			Help: "Queue entries held back (100 ms at most each) while the webhook ingest was saturated: the workers step down so that acks come first."}),
		ProcessSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "golive_worker_event_seconds",
			Help: "Time to process one queue entry.", Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12)}, []string{"event"}),
		Syncs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "golive_syncs_total",
			Help: "Release syncs to GitHub by outcome."}, []string{"outcome"}),
		GitHubWrites: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "golive_github_writes_total",
			Help: "GitHub writes golive made, by object (issue, comment, check_run, reply)."}, []string{"object"}),
		Refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "golive_github_refused_total",
			Help: "Writes GitHub refused for good (422 invalid or too long, 404/410 target gone), or replies and reactions it kept refusing for an hour, that golive dropped, by object and status."}, []string{"object", "status"}),
		Panics: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "golive_panics_total",
			Help: "Panics recovered, by where (event, sync, loop); the event is dead-lettered, the process goes on."}, []string{"where"}),
		QueueDepth:   prometheus.NewGauge(prometheus.GaugeOpts{Name: "golive_queue_depth", Help: "Entries in the delivery stream."}),
		QueuePending: prometheus.NewGauge(prometheus.GaugeOpts{Name: "golive_queue_pending", Help: "Entries read by a worker and not yet acknowledged."}),
		QueueDelayed: prometheus.NewGauge(prometheus.GaugeOpts{Name: "golive_queue_delayed", Help: "Entries waiting for a retry."}),
		QueueDead:    prometheus.NewGauge(prometheus.GaugeOpts{Name: "golive_queue_dead_letters", Help: "Entries parked after too many failures."}),
		Dirty:        prometheus.NewGauge(prometheus.GaugeOpts{Name: "golive_releases_owed_sync", Help: "Releases with a GitHub sync waiting."}),
		GitHubRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "golive_github_requests_total",
			Help: "GitHub API requests by method, route and status."}, []string{"method", "route", "status"}),
		GitHubSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "golive_github_request_seconds",
			Help: "GitHub API request latency.", Buckets: prometheus.DefBuckets}, []string{"method"}),
		RateRemaining: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "golive_github_rate_limit_remaining",
			Help: "Requests left in the current rate-limit window, per installation."}, []string{"installation"}),
		OpenReleases:    prometheus.NewGauge(prometheus.GaugeOpts{Name: "golive_open_releases", Help: "Releases being tracked."}),
		ReconcileErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "golive_reconcile_errors_total", Help: "Reconciler passes that failed for a release."}),
		Probes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "golive_probes_total",
			Help: "Probe runs by kind and outcome (ok, failed)."}, []string{"kind", "outcome"}),
		Redeliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "golive_redeliveries_requested_total",
			Help: "Redeliveries golive asked GitHub for, by outcome (accepted; refused: too old or gone; error: asked again next sweep)."}, []string{"outcome"}),
		RedeliveryLag: prometheus.NewGauge(prometheus.GaugeOpts{Name: "golive_redelivery_sweep_lag_seconds",
			Help: "Seconds since the last clean redelivery sweep started, on any replica: failed deliveries older than this have been asked for again."}),
		BreakerOpen: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "golive_github_breaker_open",
			Help: "1 while an installation's GitHub circuit breaker is open and its deliveries wait; 0 once GitHub answers again."}, []string{"installation"}),
		Requeued: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "golive_dead_letters_requeued_total",
			Help: "Dead letters put back on the queue, by reason (breaker_closed)."}, []string{"reason"}),
		GitHubReachable: prometheus.NewGauge(prometheus.GaugeOpts{Name: "golive_github_reachable",
			Help: "1 when GitHub last accepted the App's credentials, 0 when it did not; checked at most once a minute per replica."}),
	}
	m.own = []prometheus.Collector{m.Deliveries, m.DeliveryDuration, m.Processed, m.HeldBack, m.ProcessSeconds, m.Syncs, m.GitHubWrites, m.Refused, m.Panics,
		m.QueueDepth, m.QueuePending, m.QueueDelayed, m.QueueDead, m.Dirty,
		m.GitHubRequests, m.GitHubSeconds, m.RateRemaining, m.OpenReleases, m.ReconcileErrors, m.Probes,
		m.Redeliveries, m.RedeliveryLag,
		m.BreakerOpen, m.Requeued, m.GitHubReachable}
	m.Health = newHealth()
	m.own = append(m.own, m.Health.collectors()...)
	r.MustRegister(m.own...)
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

var fqName = regexp.MustCompile(`fqName: "([a-z0-9_]+)"`)

// Names lists the metric names golive exports, histograms with their
// _bucket, _sum and _count series; deploy/ dashboards and alerts may use
// only these (a test checks).
func (m *Metrics) Names() []string {
	ch := make(chan *prometheus.Desc, 64)
	go func() {
		for _, c := range m.own {
			c.Describe(ch)
		}
		close(ch)
	}()
	var out []string
	for d := range ch {
		if n := fqName.FindStringSubmatch(d.String()); n != nil {
			out = append(out, n[1], n[1]+"_bucket", n[1]+"_sum", n[1]+"_count")
		}
	}
	return out
}

// GitHubRequest records one API request; route is the path with numbers
// and names folded, so the label set stays small.
func (m *Metrics) GitHubRequest(method, route string, status int, d time.Duration) {
	m.GitHubRequests.WithLabelValues(method, route, statusText(status)).Inc()
	m.GitHubSeconds.WithLabelValues(method).Observe(d.Seconds())
}

func statusText(s int) string {
	if s == 0 {
		return "error"
	}
	const digits = "0123456789"
	return string([]byte{digits[s/100%10], digits[s/10%10], digits[s%10]})
}
