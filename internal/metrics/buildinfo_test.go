package metrics_test

import (
	"testing"

	"github.com/ag06mixer/golive/internal/metrics"
)

func TestBuildInfo(t *testing.T) {
	m := metrics.New()
	m.BuildInfo("v1.2.3", "go1.99")
	m.BuildInfo("v1.2.3", "go1.99") // a second call is harmless
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != "golive_build_info" {
			continue
		}
		if len(f.Metric) != 1 {
			t.Fatalf("got %d series, want 1", len(f.Metric))
		}
		labels := map[string]string{}
		for _, l := range f.Metric[0].Label {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["version"] != "v1.2.3" || labels["goversion"] != "go1.99" || f.Metric[0].Gauge.GetValue() != 1 {
			t.Errorf("got %v = %v, want version v1.2.3, goversion go1.99 = 1", labels, f.Metric[0].Gauge.GetValue())
		}
		return
	}
	t.Error("no golive_build_info")
}
