package checklist

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

func httpLatency(p *Probe) Duration {
	if p.HTTP == nil {
		return 0
	}
	return p.HTTP.MaxLatency
}

func windowP95(p *Probe) Duration {
	if p.Window == nil {
		return 0
	}
	return p.Window.MaxP95
}

var dnsTypes = []string{"A", "AAAA", "CNAME", "TXT", "MX"}

func checkProbe(add func(field, format string, args ...any), id string, p *Probe) {
	kinds := 0
	for _, set := range []bool{p.HTTP != nil, p.TLS != nil, p.DNS != nil, p.TCP != nil} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		add("evidence.probe", "item %q: probe must name exactly one of http, tls, dns, tcp (found %d)", id, kinds)
		return
	}
	if p.Interval != 0 && p.Interval.D() < 10e9 {
		add("evidence.probe.interval", "item %q: probe interval %s is under the 10s minimum", id, p.Interval.D())
	}
	// Written as !(in range), so NaN, which compares false with
	// everything, is refused too.
	if w := p.Window; w != nil && !(w.MinSuccess > 0 && w.MinSuccess <= 1) {
		add("evidence.probe.window.min_success", "item %q: window min_success must be above 0 and at most 1 (got %v)", id, w.MinSuccess)
	}
	for _, d := range []struct {
		field string
		v     Duration
		max   time.Duration
	}{
		{"timeout", p.Timeout, MaxProbeTimeout},
		{"interval", p.Interval, MaxProbeInterval},
		{"max_age", p.MaxAge, MaxProbeInterval},
		{"http.max_latency", httpLatency(p), MaxProbeTimeout},
		{"window.max_p95", windowP95(p), MaxProbeTimeout},
	} {
		if d.v.D() > d.max {
			add("evidence.probe."+d.field, "item %q: probe %s %s is over the %s maximum", id, d.field, d.v.D(), d.max)
		}
	}
	switch {
	case p.HTTP != nil:
		h := p.HTTP
		u, err := url.Parse(h.URL)
		switch {
		case err != nil:
			add("evidence.probe.http.url", "item %q: bad probe URL %q: %v", id, h.URL, err)
		case u.Scheme != "http" && u.Scheme != "https":
			add("evidence.probe.http.url", "item %q: probe URL %q must be http or https", id, h.URL)
		case u.Hostname() == "":
			add("evidence.probe.http.url", "item %q: probe URL %q has no host", id, h.URL)
		case u.User != nil:
			add("evidence.probe.http.url", "item %q: probe URL must not carry credentials; use headers with a secret reference", id)
		}
		switch strings.ToUpper(h.Method) {
		case "", "GET", "HEAD", "POST", "OPTIONS":
		default:
			add("evidence.probe.http.method", "item %q: probe method %q is not one of GET, HEAD, POST, OPTIONS", id, h.Method)
		}
		for i, s := range h.Status {
			if s < 100 || s > 599 {
				add("evidence.probe.http.status."+strconv.Itoa(i), "item %q: %d is not an HTTP status code", id, s)
			}
		}
		if h.Body != "" {
			if _, err := regexp.Compile(h.Body); err != nil {
				add("evidence.probe.http.body", "item %q: bad body regex %q: %v", id, h.Body, err)
			}
		}
		for name, ref := range h.Headers {
			if ref.Secret == "" {
				add("evidence.probe.http.headers."+name, "item %q: header %q must name a server-side secret", id, name)
			}
		}
	case p.TLS != nil:
		if err := checkHostPort(p.TLS.Host, true); err != nil {
			add("evidence.probe.tls.host", "item %q: bad TLS probe host %q: %v", id, p.TLS.Host, err)
		}
		checkCA(add, id, p.TLS)
		if p.TLS.MinDays < 0 || p.TLS.MinDays > MaxMinDays {
			add("evidence.probe.tls.min_days", "item %q: min_days must be 0 to %d (got %d)", id, MaxMinDays, p.TLS.MinDays)
		}
	case p.DNS != nil:
		if p.DNS.Name == "" || strings.ContainsAny(p.DNS.Name, " /:@") {
			add("evidence.probe.dns.name", "item %q: bad DNS name %q", id, p.DNS.Name)
		}
		ok := false
		for _, t := range dnsTypes {
			ok = ok || strings.EqualFold(t, p.DNS.Type)
		}
		if !ok {
			add("evidence.probe.dns.type", "item %q: DNS record type %q is not one of %s", id, p.DNS.Type, strings.Join(dnsTypes, ", "))
		}
		if p.DNS.Resolver != "" {
			if err := checkHostPort(p.DNS.Resolver, true); err != nil {
				add("evidence.probe.dns.resolver", "item %q: bad resolver %q: %v", id, p.DNS.Resolver, err)
			}
		}
	case p.TCP != nil:
		if err := checkHostPort(p.TCP.Address, false); err != nil {
			add("evidence.probe.tcp.address", "item %q: bad TCP address %q: %v", id, p.TCP.Address, err)
		}
	}
}

// checkHostPort accepts "host:port", or a bare host when portOptional.
func checkHostPort(s string, portOptional bool) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		if !portOptional {
			return fmt.Errorf("want HOST:PORT")
		}
		host, port = s, ""
	}
	if host == "" || strings.ContainsAny(host, " /@") {
		return fmt.Errorf("no host")
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port %q is not 1-65535", port)
		}
	}
	return nil
}
