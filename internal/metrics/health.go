package metrics

import "github.com/prometheus/client_golang/prometheus"

// Health are the release-health collectors: how long releases take to
// become ready and to be signed off, how often their post-go-live windows
// fail, and what blocks the open ones now. Each observation is made once
// per release (release.Observations records it in the release state), so
// summing the histograms and counters over replicas counts each release
// once; the gauges are set by every replica's sweep from the shared
// records, so take their max over replicas.
type Health struct {
	TimeToReady prometheus.Histogram
	// SignoffSeconds is labelled with config role ids only.
	SignoffSeconds *prometheus.HistogramVec // role
	// Windows counts post-go-live windows closed, passed or failed.
	Windows *prometheus.CounterVec // phase, outcome
	// Blocked is the open releases not ready, by release.BlockReason.
	Blocked *prometheus.GaugeVec // reason
	// AtRisk is the merged releases followed whose post-go-live window
	// failed.
	AtRisk prometheus.Gauge
	// Notifications counts chat notifications by kind and outcome (sent,
	// refused, error).
	Notifications *prometheus.CounterVec // kind, outcome
}

// releaseBuckets run from 10 minutes to 30 days.
var releaseBuckets = []float64{600, 1800, 3600, 4 * 3600, 8 * 3600, 86400, 2 * 86400, 3 * 86400, 7 * 86400, 14 * 86400, 30 * 86400}

func newHealth() Health {
	return Health{
		TimeToReady: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "golive_release_time_to_ready_seconds",
			Help: "Time from a release PR's opening to its first ready verdict.", Buckets: releaseBuckets}),
		SignoffSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "golive_release_signoff_seconds",
			Help: "Time from a release PR's opening to each role's sign-off, by config role id.", Buckets: releaseBuckets}, []string{"role"}),
		Windows: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "golive_release_windows_total",
			Help: "Post-go-live windows closed, by phase and outcome (passed, failed): failed over all is the change failure rate."}, []string{"phase", "outcome"}),
		Blocked: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "golive_releases_blocked",
			Help: "Open releases not ready at their last sync, by reason (config_error, hold, freeze, signoff, items); every replica reports all, take the max."}, []string{"reason"}),
		AtRisk: prometheus.NewGauge(prometheus.GaugeOpts{Name: "golive_release_at_risk",
			Help: "Merged releases still followed whose post-go-live window failed; every replica reports all, take the max."}),
		Notifications: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "golive_notifications_total",
			Help: "Chat notifications of release events by kind (ready, blocked, at_risk, merged) and outcome (sent, refused, error)."}, []string{"kind", "outcome"}),
	}
}

func (h Health) collectors() []prometheus.Collector {
	return []prometheus.Collector{h.TimeToReady, h.SignoffSeconds, h.Windows, h.Blocked, h.AtRisk, h.Notifications}
}
