package probe

import (
	"fmt"
	"net/netip"
	"strings"
)

var loopback = netip.MustParseAddr("127.0.0.1")

// CheckTarget says why the guard would refuse host, as far as can be
// known without resolving it: IP literals in denied ranges, ambiguous
// literals and localhost names. The dial-time check stays the real one.
func (g *Guard) CheckTarget(host string) error {
	if err := CheckHost(host); err != nil {
		return err
	}
	h := strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if a, err := netip.ParseAddr(h); err == nil {
		return g.check(h, a)
	}
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		if err := g.check(h, loopback); err != nil {
			return fmt.Errorf("%w: %q names this machine; allow it with GOLIVE_PROBE_ALLOW", ErrRefused, host)
		}
	}
	return nil
}

// CheckTarget says whether the runner's guard would refuse host (see
// Guard.CheckTarget), so the worker can fail a config naming one.
func (r *Runner) CheckTarget(host string) error { return r.Guard.CheckTarget(host) }
