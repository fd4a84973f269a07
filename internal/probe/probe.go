package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// Limits of one probe run.
const (
	DefaultTimeout = 10 * time.Second
	MaxBody        = 1 << 20
	MaxRedirects   = 5
)

// Runner runs probes.
type Runner struct {
	Guard *Guard
	// Secret returns a server-side secret by reference (header values)
	// for a probe of repo ("owner/name"), or why it may not be used.
	Secret func(ref, repo string) (string, error)
	// CADir is the operator's directory of CA bundles that TLS probes
	// name with ca_name (GOLIVE_PROBE_CA_DIR); empty allows none.
	CADir string
	// Roots replaces the system roots (tests).
	Roots *x509.CertPool
	// Clock reads the time (default time.Now).
	Clock func() time.Time
}

// NewRunner returns a runner with the allow-list in allow, scoped secrets
// from GOLIVE_SECRET_<REF> variables and CA bundles from
// GOLIVE_PROBE_CA_DIR.
func NewRunner(allow string, getenv func(string) string) (*Runner, error) {
	g, err := ParseAllow(allow)
	if err != nil {
		return nil, err
	}
	return &Runner{Guard: g, Secret: EnvSecrets(getenv), CADir: getenv("GOLIVE_PROBE_CA_DIR")}, nil
}

func (r *Runner) now() time.Time {
	if r.Clock != nil {
		return r.Clock()
	}
	return time.Now()
}

// Run runs one probe and says how it went. It never panics and always
// returns within the probe's timeout (plus a little).
func (r *Runner) Run(ctx context.Context, p *checklist.Probe) release.ProbeResult {
	timeout := DefaultTimeout
	if p.Timeout != 0 {
		timeout = p.Timeout.D()
	}
	start := r.now()
	detail, err := within(ctx, timeout, func(ctx context.Context) (string, error) {
		switch {
		case p.HTTP != nil:
			return r.http(ctx, p.HTTP)
		case p.TLS != nil:
			return r.tls(ctx, p.TLS)
		case p.DNS != nil:
			return r.dns(ctx, p.DNS)
		case p.TCP != nil:
			return r.tcp(ctx, p.TCP)
		}
		return "", errors.New("no probe kind set")
	})
	res := release.ProbeResult{At: start.UTC(), Latency: r.now().Sub(start), OK: err == nil, Detail: detail}
	if err != nil {
		res.Detail = oneLine(err.Error())
	}
	return res
}

// within runs fn apart, with a context that ends after timeout, so a read
// that ignores its context cannot hold the run past the timeout: it
// returns fn's answer, or the timeout, whichever comes first.
func within(ctx context.Context, timeout time.Duration, fn func(context.Context) (string, error)) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type outcome struct {
		s   string
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		s, err := fn(ctx)
		done <- outcome{s, err}
	}()
	select {
	case o := <-done:
		return o.s, o.err
	case <-ctx.Done():
		return "", fmt.Errorf("timed out after %s: %w", timeout, ctx.Err())
	}
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func (r *Runner) transport(tlsConf *tls.Config) *http.Transport {
	return &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return r.Guard.DialContext(ctx, network, addr, net.Dialer{})
		},
		TLSClientConfig:        tlsConf,
		Proxy:                  nil, // a proxy would hide the address dialled from the guard
		DisableKeepAlives:      true,
		ResponseHeaderTimeout:  DefaultTimeout,
		MaxResponseHeaderBytes: 64 << 10,
	}
}

func (r *Runner) http(ctx context.Context, h *checklist.HTTPProbe) (string, error) {
	u, err := url.Parse(h.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("bad URL %q", h.URL)
	}
	method := h.Method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, h.URL, nil)
	if err != nil {
		return "", err
	}
	if len(h.Headers) > 0 && u.Scheme != "https" {
		return "", fmt.Errorf("%w: secret headers are sent only over https", ErrRefused)
	}
	repo := release.ProbeRepo(ctx)
	for name, ref := range h.Headers {
		if r.Secret == nil {
			return "", fmt.Errorf("header %s names secret %q, which the server does not hold", name, ref.Secret)
		}
		v, err := r.Secret(ref.Secret, repo)
		if err != nil {
			return "", fmt.Errorf("header %s: %w", name, err)
		}
		req.Header.Set(name, v)
	}
	req.Header.Set("User-Agent", "golive-probe")
	client := &http.Client{
		Transport: r.transport(&tls.Config{RootCAs: r.Roots, MinVersion: tls.VersionTLS12}),
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > MaxRedirects {
				return fmt.Errorf("more than %d redirects", MaxRedirects)
			}
			// Go drops only Authorization and cookies on a redirect to
			// another host; every header that carries a secret goes too,
			// and on a step down to plain http.
			if !strings.EqualFold(req.URL.Host, via[0].URL.Host) || req.URL.Scheme != "https" {
				for name := range h.Headers {
					req.Header.Del(name)
				}
			}
			return CheckHost(req.URL.Hostname())
		},
	}
	start := r.now()
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody))
	if err != nil {
		return "", fmt.Errorf("read body: %w", err)
	}
	lat := r.now().Sub(start)
	ok := resp.StatusCode >= 200 && resp.StatusCode < 400
	if len(h.Status) > 0 {
		ok = slices.Contains(h.Status, resp.StatusCode)
	}
	detail := fmt.Sprintf("%s %d in %s", method, resp.StatusCode, lat.Round(time.Millisecond))
	if !ok {
		return "", fmt.Errorf("%s: unexpected status", detail)
	}
	if h.Body != "" {
		re, err := regexp.Compile(h.Body)
		if err != nil {
			return "", fmt.Errorf("body regex: %w", err)
		}
		if !re.Match(body) {
			return "", fmt.Errorf("%s: body does not match %q", detail, h.Body)
		}
	}
	if h.MaxLatency != 0 && lat > h.MaxLatency.D() {
		return "", fmt.Errorf("%s: slower than %s", detail, h.MaxLatency.D())
	}
	return detail, nil
}

func (r *Runner) tls(ctx context.Context, t *checklist.TLSProbe) (string, error) {
	addr := t.Host
	if _, _, err := net.SplitHostPort(addr); err != nil {
		addr = net.JoinHostPort(addr, "443")
	}
	host, _, _ := net.SplitHostPort(addr)
	name := t.ServerName
	if name == "" {
		name = host
	}
	roots := r.Roots
	if t.CA != "" {
		return "", fmt.Errorf("%w: ca names a file on golive's machine; use ca_pem or ca_name", ErrRefused)
	}
	if t.CAPEM != "" || t.CAName != "" {
		pem := []byte(t.CAPEM)
		if t.CAName != "" {
			var err error
			if pem, err = r.readCA(t.CAName); err != nil {
				return "", fmt.Errorf("CA bundle %q: %w", t.CAName, err)
			}
		}
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return "", errors.New("CA bundle holds no certificate")
		}
	}
	raw, err := r.Guard.DialContext(ctx, "tcp", addr, net.Dialer{})
	if err != nil {
		return "", err
	}
	defer raw.Close()
	conn := tls.Client(raw, &tls.Config{ServerName: name, RootCAs: roots, MinVersion: tls.VersionTLS12, Time: r.now})
	if err := conn.HandshakeContext(ctx); err != nil {
		return "", fmt.Errorf("TLS handshake with %s: %w", addr, err)
	}
	leaf := conn.ConnectionState().PeerCertificates[0]
	days := int(leaf.NotAfter.Sub(r.now()).Hours() / 24)
	detail := fmt.Sprintf("issuer %s, expires %s (%d days)", leaf.Issuer.CommonName, leaf.NotAfter.UTC().Format("2006-01-02"), days)
	if days < t.MinDays {
		return "", fmt.Errorf("%s: fewer than %d days left", detail, t.MinDays)
	}
	return detail, nil
}

func (r *Runner) dns(ctx context.Context, d *checklist.DNSProbe) (string, error) {
	qtype, ok := dns.StringToType[strings.ToUpper(d.Type)]
	if !ok {
		return "", fmt.Errorf("record type %q", d.Type)
	}
	resolver := d.Resolver
	if resolver == "" {
		conf, err := dns.ClientConfigFromFile("/etc/resolv.conf")
		if err != nil || len(conf.Servers) == 0 {
			return "", fmt.Errorf("no resolver configured: %v", err)
		}
		resolver = net.JoinHostPort(conf.Servers[0], conf.Port)
	} else if _, _, err := net.SplitHostPort(resolver); err != nil {
		resolver = net.JoinHostPort(resolver, "53")
	}
	host, _, _ := net.SplitHostPort(resolver)
	conn, err := r.Guard.DialContext(ctx, "udp", resolver, net.Dialer{})
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(d.Name), qtype)
	m.RecursionDesired = true
	c := &dns.Conn{Conn: conn}
	if err := c.WriteMsg(m); err != nil {
		return "", fmt.Errorf("ask %s: %w", host, err)
	}
	in, err := c.ReadMsg()
	if err != nil {
		return "", fmt.Errorf("ask %s: %w", host, err)
	}
	if in.Rcode != dns.RcodeSuccess {
		return "", fmt.Errorf("%s %s: %s", d.Type, d.Name, dns.RcodeToString[in.Rcode])
	}
	var got []string
	for _, rr := range in.Answer {
		if rr.Header().Rrtype != qtype {
			continue
		}
		switch v := rr.(type) {
		case *dns.A:
			got = append(got, v.A.String())
		case *dns.AAAA:
			got = append(got, v.AAAA.String())
		case *dns.CNAME:
			got = append(got, strings.TrimSuffix(v.Target, "."))
		case *dns.TXT:
			got = append(got, strings.Join(v.Txt, ""))
		case *dns.MX:
			got = append(got, strings.TrimSuffix(v.Mx, "."))
		}
	}
	if len(got) == 0 {
		return "", fmt.Errorf("%s %s: no records", d.Type, d.Name)
	}
	for _, want := range d.Values {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.EqualFold(g, strings.TrimSuffix(want, ".")) }) {
			return "", fmt.Errorf("%s %s = %s; want %s among them", d.Type, d.Name, strings.Join(got, ", "), want)
		}
	}
	return fmt.Sprintf("%s %s = %s", d.Type, d.Name, strings.Join(got, ", ")), nil
}

func (r *Runner) tcp(ctx context.Context, t *checklist.TCPProbe) (string, error) {
	start := r.now()
	c, err := r.Guard.DialContext(ctx, "tcp", t.Address, net.Dialer{})
	if err != nil {
		return "", err
	}
	c.Close()
	return fmt.Sprintf("connected to %s in %s", t.Address, r.now().Sub(start).Round(time.Millisecond)), nil
}
