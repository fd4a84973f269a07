package metrics

import "github.com/prometheus/client_golang/prometheus"

// BuildInfo registers golive_build_info, always 1, labelled with the
// version and the Go release golive was built with: the join key for
// "which replicas run which build".
func (m *Metrics) BuildInfo(version, goversion string) {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "golive_build_info",
		Help:        "Always 1; the labels name golive's version and the Go release it was built with.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": goversion}})
	g.Set(1)
	// A second call on one registry is refused and changes nothing.
	m.Registry.Register(g)
}
