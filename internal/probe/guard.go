// Package probe runs golive's HTTP, TLS, DNS and TCP probes of live
// endpoints, safely: every connection goes through a guard that refuses
// private, loopback, link-local, metadata, unspecified and multicast
// addresses unless the server's allow-list names them. The guard checks
// the address actually dialled, after DNS resolution, so DNS rebinding
// and redirects to internal services are refused too.
package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// Guard decides which addresses probes may reach.
type Guard struct {
	prefixes []netip.Prefix
	hosts    map[string]bool
}

// ParseAllow reads GOLIVE_PROBE_ALLOW: comma-separated CIDRs, addresses
// and host names that probes may reach even when they are private.
func ParseAllow(s string) (*Guard, error) {
	g := &Guard{hosts: map[string]bool{}}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		switch {
		case f == "":
		case strings.Contains(f, "/"):
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("GOLIVE_PROBE_ALLOW: %q: %w", f, err)
			}
			g.prefixes = append(g.prefixes, p.Masked())
		default:
			if a, err := netip.ParseAddr(f); err == nil {
				g.prefixes = append(g.prefixes, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
				continue
			}
			g.hosts[strings.ToLower(f)] = true
		}
	}
	return g, nil
}

// ErrRefused is returned for a target the guard will not reach.
var ErrRefused = errors.New("refused by golive's probe guard")

var metadata = netip.MustParseAddr("169.254.169.254")

// check says why addr may not be dialled for host, or nil.
func (g *Guard) check(host string, addr netip.Addr) error {
	addr = addr.Unmap()
	if g != nil && g.hosts[strings.ToLower(strings.TrimSuffix(host, "."))] {
		return nil
	}
	if g != nil {
		for _, p := range g.prefixes {
			if p.Contains(addr) {
				return nil
			}
		}
	}
	var kind string
	switch {
	case addr == metadata:
		kind = "the cloud metadata address"
	case addr.IsLoopback():
		kind = "a loopback address"
	case addr.IsPrivate():
		kind = "a private address"
	case addr.IsLinkLocalUnicast(), addr.IsLinkLocalMulticast():
		kind = "a link-local address"
	case addr.IsUnspecified():
		kind = "an unspecified address"
	case addr.IsMulticast(), addr.IsInterfaceLocalMulticast():
		kind = "a multicast address"
	case netip.MustParsePrefix("100.64.0.0/10").Contains(addr):
		kind = "a carrier-grade NAT address"
	default:
		return nil
	}
	return fmt.Errorf("%w: %s is %s; allow it with GOLIVE_PROBE_ALLOW", ErrRefused, addr, kind)
}

// CheckHost refuses host names that are ambiguous IP literals (decimal
// "2130706433", octal "0177.0.0.1", hex "0x7f.1"): resolvers disagree on
// them, so golive reads none.
func CheckHost(host string) error {
	h := strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if _, err := netip.ParseAddr(h); err == nil {
		return nil
	}
	parts := strings.Split(h, ".")
	numeric := true
	for _, p := range parts {
		if p == "" || strings.Trim(strings.ToLower(p), "0123456789abcdefx") != "" || !strings.ContainsAny(p[:1], "0123456789") {
			numeric = false
		}
	}
	if numeric {
		return fmt.Errorf("%w: %q is an ambiguous IP literal; write the address in dotted decimal", ErrRefused, host)
	}
	return nil
}

// Dialer returns a dialer whose every connection is checked by the guard
// on the resolved address, for the named host.
func (g *Guard) Dialer(host string, timeout net.Dialer) *net.Dialer {
	d := timeout
	d.Control = func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: cannot read %q", ErrRefused, address)
		}
		return g.check(host, ap.Addr())
	}
	return &d
}

// DialContext dials address ("host:port") through the guard.
func (g *Guard) DialContext(ctx context.Context, network, address string, base net.Dialer) (net.Conn, error) {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	if err := CheckHost(host); err != nil {
		return nil, err
	}
	return g.Dialer(host, base).DialContext(ctx, network, address)
}
