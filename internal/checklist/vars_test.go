package checklist

import (
	"strings"
	"testing"
)

// TestDefaultProbesNothingUnset: the built-in config names no probe
// target of its own. Every probe item uses a variable, and with none set
// it is a manual item that says its probe is not configured.
func TestDefaultProbesNothingUnset(t *testing.T) {
	c, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.ProbeTargets(); len(got) != 0 {
		t.Errorf("the built-in config probes %d targets nobody set, e.g. %+v", len(got), got[0])
	}
	unconfigured := 0
	for _, e := range c.Flatten() {
		if e.Item.Source() == SourceProbe {
			t.Errorf("item %s probes %+v with no vars set", e.Item.ID, e.Item.Evidence.Probe)
		}
		if ev := e.Item.Evidence; ev != nil && ev.Unconfigured != "" {
			unconfigured++
			if !(strings.HasPrefix(ev.Unconfigured, "probe not configured: set `vars.") || ev.Unconfigured == "metric not configured: set `vars.prometheus_url`") || e.Item.Source() != SourceManual {
				t.Errorf("item %s: %q, source %s", e.Item.ID, ev.Unconfigured, e.Item.Source())
			}
		}
	}
	if unconfigured < 10 {
		t.Errorf("%d unconfigured probe items, want every probe of the built-in config (15)", unconfigured)
	}
}

// TestVarsConfigureProbes: a repo layer's vars give the built-in probes
// their targets; a var left unset leaves its items manual.
func TestVarsConfigureProbes(t *testing.T) {
	def, _ := Default()
	repo, err := Parse("repo.yml", []byte("version: 1\nvars:\n  base_url: https://shop.example.com\n"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Resolve(def, repo)
	if err != nil {
		t.Fatal(err)
	}
	e, ok := c.Item("application-health-endpoints-implemented")
	if !ok || e.Item.Source() != SourceProbe || e.Item.Evidence.Probe.HTTP.URL != "https://shop.example.com/healthz" {
		t.Errorf("the health item: %+v", e.Item.Evidence)
	}
	tls, _ := c.Item("data-encryption-in-transit")
	if tls.Item.Source() != SourceManual || !strings.Contains(tls.Item.Evidence.Unconfigured, "vars.host") {
		t.Errorf("the TLS item without vars.host: %+v", tls.Item.Evidence)
	}
	for _, pt := range c.ProbeTargets() {
		if pt.Host != "shop.example.com" {
			t.Errorf("probe target %+v: want only the host the repo set", pt)
		}
	}
	// The cached built-in layer is not changed by resolving over it.
	again, _ := DefaultConfig()
	if e, _ := again.Item("application-health-endpoints-implemented"); e.Item.Source() != SourceManual {
		t.Error("resolving with vars changed the built-in layer")
	}
}

// TestVarsProblems: bad references, bad names and values that make a bad
// target are problems with their place.
func TestVarsProblems(t *testing.T) {
	for _, c := range []struct{ name, yaml, want string }{
		{"not a var", "version: 1\nsections: [{id: s, title: S, groups: [{id: g, title: G, items: [{id: i, title: I, evidence: {probe: {http: {url: \"${base_url}/x\"}}}}]}]}]\n", "${base_url} is not a variable"},
		{"upper-case name", "version: 1\nvars: {BaseURL: https://x.example}\n", `variable name "BaseURL"`},
		{"nested", "version: 1\nvars: {a: \"${vars.b}\"}\n", "may not use other variables"},
	} {
		_, err := Parse(c.name+".yml", []byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	def, _ := Default()
	repo, err := Parse("repo.yml", []byte("version: 1\nvars: {base_url: \"ftp://x.example\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Resolve(def, repo); err == nil || !strings.Contains(err.Error(), "must be http or https (from vars)") {
		t.Errorf("an ftp base_url: %v", err)
	}
}

// TestVarsConfigureMetrics: the built-in checklist measures four
// post-go-live items with metric queries to ${vars.prometheus_url}. With
// the variable unset they are manual and say so, and no metric API is
// asked; set, each queries that API; a bad value is a problem.
func TestVarsConfigureMetrics(t *testing.T) {
	measured := []string{"no-critical-alerts-triggered", "no-memory-leaks-detected", "auto-scaling-working-correctly", "backup-processes-successful"}
	def, _ := Default()
	plain, err := Resolve(def)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range measured {
		e, _ := plain.Item(id)
		if e.Item.Source() != SourceManual || e.Item.Evidence == nil || e.Item.Evidence.Unconfigured != "metric not configured: set `vars.prometheus_url`" {
			t.Errorf("%s without vars: %+v", id, e.Item.Evidence)
		}
	}
	for _, e := range plain.Flatten() {
		if e.Item.Source() == SourceMetric {
			t.Errorf("item %s queries %s with no vars set", e.Item.ID, e.Item.Evidence.Metric.URL)
		}
	}
	repo, err := Parse("repo.yml", []byte("version: 1\nvars:\n  prometheus_url: https://prometheus.example.com\n"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Resolve(def, repo)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range measured {
		e, _ := c.Item(id)
		if e.Item.Source() != SourceMetric || e.Item.Evidence.Metric.URL != "https://prometheus.example.com" || e.Item.Evidence.Metric.Query == "" || e.Item.Evidence.Metric.Window == nil {
			t.Errorf("%s with vars.prometheus_url: %+v", id, e.Item.Evidence)
		}
	}
	bad, err := Parse("repo.yml", []byte("version: 1\nvars:\n  prometheus_url: ftp://prometheus.example.com\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Resolve(def, bad)
	if err == nil || !strings.Contains(err.Error(), "must be http or https (from vars)") {
		t.Errorf("an ftp metric URL from vars: %v", err)
	}
}
