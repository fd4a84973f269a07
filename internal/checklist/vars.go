package checklist

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Probe targets name the repository's own endpoints through variables,
// ${vars.NAME}, that a layer sets under vars:. The built-in checklist
// writes ${vars.base_url}/healthz and ${vars.host}:443, so it never
// probes a host nobody set: an item whose variables are unset becomes a
// manual item that says its probe is not configured.

var (
	varRef  = regexp.MustCompile(`\$\{([^}]*)\}`)
	varName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
)

// placeholders stand in for variables while a single layer is checked:
// the value comes from any layer, and is checked again once known.
const (
	placeholderURL  = "https://vars.invalid"
	placeholderHost = "vars.invalid"
)

// probeField is one target string of a probe, which may use variables.
type probeField struct {
	field string
	s     *string
	url   bool
}

// cloneProbe copies a probe deeply enough to rewrite its targets.
func cloneProbe(p *Probe) *Probe {
	cp := *p
	if p.HTTP != nil {
		h := *p.HTTP
		cp.HTTP = &h
	}
	if p.TLS != nil {
		t := *p.TLS
		cp.TLS = &t
	}
	if p.DNS != nil {
		d := *p.DNS
		cp.DNS = &d
	}
	if p.TCP != nil {
		t := *p.TCP
		cp.TCP = &t
	}
	return &cp
}

func probeFields(p *Probe) []probeField {
	var out []probeField
	if p.HTTP != nil {
		out = append(out, probeField{"evidence.probe.http.url", &p.HTTP.URL, true})
	}
	if p.TLS != nil {
		out = append(out, probeField{"evidence.probe.tls.host", &p.TLS.Host, false}, probeField{"evidence.probe.tls.server_name", &p.TLS.ServerName, false})
	}
	if p.DNS != nil {
		out = append(out, probeField{"evidence.probe.dns.name", &p.DNS.Name, false}, probeField{"evidence.probe.dns.resolver", &p.DNS.Resolver, false})
	}
	if p.TCP != nil {
		out = append(out, probeField{"evidence.probe.tcp.address", &p.TCP.Address, false})
	}
	return out
}

// expandVars replaces every ${vars.NAME} in s with value(NAME). It
// returns the names value has none for, and the references that are not
// ${vars.NAME}.
func expandVars(s string, value func(name string) (string, bool)) (out string, missing, bad []string) {
	out = varRef.ReplaceAllStringFunc(s, func(ref string) string {
		inner := strings.TrimSpace(ref[2 : len(ref)-1])
		name, ok := strings.CutPrefix(inner, "vars.")
		if !ok || !varName.MatchString(name) {
			bad = append(bad, ref)
			return ref
		}
		v, ok := value(name)
		if !ok {
			if !slices.Contains(missing, name) {
				missing = append(missing, name)
			}
			return ref
		}
		return v
	})
	return out, missing, bad
}

// checkProbeVars checks a probe of one layer: its variable references are
// well formed, and the probe is valid with a placeholder for each.
func checkProbeVars(add func(field, format string, args ...any), id string, p *Probe) {
	cp := cloneProbe(p)
	for _, f := range probeFields(cp) {
		placeholder := placeholderHost
		if f.url && strings.HasPrefix(*f.s, "${") {
			placeholder = placeholderURL
		}
		_, _, bad := expandVars(*f.s, func(string) (string, bool) { return "", false })
		for _, b := range bad {
			add(f.field, "item %q: %s is not a variable: write ${vars.NAME}, NAME in lower case", id, b)
		}
		*f.s = varRef.ReplaceAllString(*f.s, placeholder)
	}
	checkProbe(add, id, cp)
}

// checkMetricVars checks a metric of one layer as checkProbeVars checks a
// probe: its URL may be ${vars.NAME} (the built-in checklist's
// ${vars.prometheus_url}), checked with a placeholder until it is known.
func checkMetricVars(add func(field, format string, args ...any), id string, m *Metric) {
	cp := *m
	_, _, bad := expandVars(cp.URL, func(string) (string, bool) { return "", false })
	for _, b := range bad {
		add("evidence.metric.url", "item %q: %s is not a variable: write ${vars.NAME}, NAME in lower case", id, b)
	}
	cp.URL = varRef.ReplaceAllString(cp.URL, placeholderURL)
	checkMetric(add, id, &cp)
}

// checkVars checks a layer's vars: names, and values without variables.
func (f *File) checkVars(add func(p Pos, format string, args ...any)) {
	names := make([]string, 0, len(f.Vars))
	for k := range f.Vars {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !varName.MatchString(k) {
			add(f.idx.pos("vars."+k), "variable name %q must be lower case letters, digits or '_', starting with a letter", k)
		}
		if strings.Contains(f.Vars[k], "${") {
			add(f.idx.pos("vars."+k), "variable %q: a value may not use other variables", k)
		}
	}
}

// expandProbes gives each probe and metric of the resolved config its
// variables' values. A probe with an unset variable is not run: its item becomes
// manual, and says which variable would configure it. A value that makes
// a bad target is a problem at the item.
func (c *Config) expandProbes() Problems {
	var ps Problems
	value := func(name string) (string, bool) {
		v, ok := c.Vars[name]
		return v, ok && v != ""
	}
	for _, e := range c.Flatten() {
		ev := e.Item.Evidence
		if ev != nil && ev.Metric != nil {
			ps = append(ps, expandMetric(e.Item, value)...)
			continue
		}
		if ev == nil || ev.Probe == nil {
			continue
		}
		cp := cloneProbe(ev.Probe)
		var missing []string
		changed := false
		for _, f := range probeFields(cp) {
			out, miss, _ := expandVars(*f.s, value)
			for _, m := range miss {
				if !slices.Contains(missing, m) {
					missing = append(missing, m)
				}
			}
			changed = changed || out != *f.s
			*f.s = out
		}
		if len(missing) > 0 {
			for i, m := range missing {
				missing[i] = "`vars." + m + "`"
			}
			e.Item.Evidence = &Evidence{Manual: &Manual{}, Unconfigured: "probe not configured: set " + strings.Join(missing, " and ")}
			continue
		}
		if !changed {
			continue
		}
		it := e.Item
		checkProbe(func(field, format string, args ...any) {
			ps = append(ps, Problem{Pos: it.o.at(field), Msg: fmt.Sprintf(format, args...) + " (from vars)"})
		}, it.ID, cp)
		nev := *ev
		nev.Probe = cp
		it.Evidence = &nev
	}
	return ps
}

// expandMetric gives a metric item's URL its variable's value. With the
// variable unset the item is manual and says which variable would
// configure it: the built-in checklist queries no metric API nobody set.
func expandMetric(it *Item, value func(string) (string, bool)) Problems {
	ev := it.Evidence
	out, missing, _ := expandVars(ev.Metric.URL, value)
	if len(missing) > 0 {
		for i, m := range missing {
			missing[i] = "`vars." + m + "`"
		}
		it.Evidence = &Evidence{Manual: &Manual{}, Unconfigured: "metric not configured: set " + strings.Join(missing, " and ")}
		return nil
	}
	if out == ev.Metric.URL {
		return nil
	}
	var ps Problems
	m := *ev.Metric
	m.URL = out
	checkMetric(func(field, format string, args ...any) {
		ps = append(ps, Problem{Pos: it.o.at(field), Msg: fmt.Sprintf(format, args...) + " (from vars)"})
	}, it.ID, &m)
	nev := *ev
	nev.Metric = &m
	it.Evidence = &nev
	return ps
}
