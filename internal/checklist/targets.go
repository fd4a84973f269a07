package checklist

import (
	"net"
	"net/url"
)

// ProbeTarget is a host a probe item reaches, where the config says so.
type ProbeTarget struct {
	Item string
	Host string
	Pos  Pos
}

// ProbeTargets lists the hosts every probe of the resolved config dials,
// so a command that knows the server's guard can refuse denied ones
// before a probe runs.
func (c *Config) ProbeTargets() []ProbeTarget {
	var out []ProbeTarget
	for _, e := range c.Flatten() {
		ev := e.Item.Evidence
		if ev != nil && ev.Metric != nil {
			if u, err := url.Parse(ev.Metric.URL); err == nil && u.Hostname() != "" {
				out = append(out, ProbeTarget{Item: e.Item.ID, Host: u.Hostname(), Pos: e.Item.o.at("evidence.metric.url")})
			}
			continue
		}
		if ev == nil || ev.Probe == nil {
			continue
		}
		p := ev.Probe
		var host, field string
		switch {
		case p.HTTP != nil:
			if u, err := url.Parse(p.HTTP.URL); err == nil {
				host, field = u.Hostname(), "evidence.probe.http.url"
			}
		case p.TLS != nil:
			host, field = hostOf(p.TLS.Host), "evidence.probe.tls.host"
		case p.DNS != nil && p.DNS.Resolver != "":
			host, field = hostOf(p.DNS.Resolver), "evidence.probe.dns.resolver"
		case p.TCP != nil:
			host, field = hostOf(p.TCP.Address), "evidence.probe.tcp.address"
		}
		if host != "" {
			out = append(out, ProbeTarget{Item: e.Item.ID, Host: host, Pos: e.Item.o.at(field)})
		}
	}
	return out
}

func hostOf(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}
