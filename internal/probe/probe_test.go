package probe

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/ag06mixer/golive/internal/checklist"
)

func loopbackRunner(t *testing.T) *Runner {
	t.Helper()
	g, err := ParseAllow("127.0.0.0/8, ::1")
	if err != nil {
		t.Fatal(err)
	}
	return &Runner{Guard: g, Secret: func(ref, _ string) (string, error) {
		if ref != "token" {
			return "", fmt.Errorf("secret %q: the server does not hold it", ref)
		}
		return "s3cret-" + ref, nil
	}}
}

func TestHTTPProbe(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			if r.Header.Get("Authorization") != "s3cret-token" {
				w.WriteHeader(401)
				return
			}
			fmt.Fprint(w, `{"status":"ok"}`)
		case "/slow":
			time.Sleep(80 * time.Millisecond)
		case "/big":
			w.Write(make([]byte, 3<<20))
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		default:
			w.WriteHeader(503)
		}
	}))
	defer srv.Close()
	r := loopbackRunner(t)
	r.Roots = x509.NewCertPool()
	r.Roots.AddCert(srv.Certificate())
	auth := map[string]checklist.SecretRef{"Authorization": {Secret: "token"}}
	cases := []struct {
		name string
		p    checklist.HTTPProbe
		ok   bool
		want string
	}{
		{"ok with secret header and body", checklist.HTTPProbe{URL: srv.URL + "/healthz", Headers: auth, Body: `"ok"`}, true, "GET 200"},
		{"missing secret", checklist.HTTPProbe{URL: srv.URL + "/healthz", Headers: map[string]checklist.SecretRef{"X": {Secret: "nope"}}}, false, "does not hold"},
		{"status", checklist.HTTPProbe{URL: srv.URL + "/down"}, false, "503"},
		{"expected status", checklist.HTTPProbe{URL: srv.URL + "/down", Status: []int{503}}, true, "503"},
		{"body mismatch", checklist.HTTPProbe{URL: srv.URL + "/healthz", Headers: auth, Body: "healthy"}, false, "does not match"},
		{"too slow", checklist.HTTPProbe{URL: srv.URL + "/slow", MaxLatency: checklist.Duration(20 * time.Millisecond)}, false, "slower"},
		{"big body is capped", checklist.HTTPProbe{URL: srv.URL + "/big"}, true, "200"},
		{"redirect loop", checklist.HTTPProbe{URL: srv.URL + "/loop"}, false, "redirects"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := r.Run(context.Background(), &checklist.Probe{HTTP: &c.p})
			if res.OK != c.ok || !strings.Contains(res.Detail, c.want) {
				t.Errorf("got ok=%v %q, want ok=%v containing %q", res.OK, res.Detail, c.ok, c.want)
			}
			if res.Latency <= 0 || res.At.IsZero() {
				t.Errorf("no latency or time: %+v", res)
			}
		})
	}
	// The timeout bounds a run.
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hang.Close()
	res := r.Run(context.Background(), &checklist.Probe{HTTP: &checklist.HTTPProbe{URL: hang.URL}, Timeout: checklist.Duration(100 * time.Millisecond)})
	if res.OK || !strings.Contains(res.Detail, "deadline") {
		t.Errorf("hanging server: %+v", res)
	}
}

// certs makes a CA and leaf certificates for TLS tests.
type certs struct {
	ca    *x509.Certificate
	caKey *ecdsa.PrivateKey
	pool  *x509.CertPool
}

func newCA(t *testing.T) *certs {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "golive test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(10 * 365 * 24 * time.Hour),
		IsCA: true, KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &certs{ca: ca, caKey: key, pool: pool}
}

func (c *certs) leaf(t *testing.T, name string, notBefore, notAfter time.Time, selfSigned bool) tls.Certificate {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		DNSNames: []string{name}, NotBefore: notBefore, NotAfter: notAfter, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	parent, signer := c.ca, c.caKey
	if selfSigned {
		parent, signer = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func serveTLS(t *testing.T, cert tls.Certificate) string {
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { c.(*tls.Conn).Handshake(); c.Close() }()
		}
	}()
	return ln.Addr().String()
}

func TestTLSProbe(t *testing.T) {
	ca := newCA(t)
	now := time.Now()
	r := loopbackRunner(t)
	r.Roots = ca.pool
	cases := []struct {
		name string
		cert tls.Certificate
		sni  string
		ok   bool
		want string
	}{
		{"valid", ca.leaf(t, "shop.test", now.Add(-time.Hour), now.Add(90*24*time.Hour), false), "shop.test", true, "issuer golive test CA"},
		{"expired", ca.leaf(t, "shop.test", now.Add(-48*time.Hour), now.Add(-time.Hour), false), "shop.test", false, "expired"},
		{"3 days to expiry", ca.leaf(t, "shop.test", now.Add(-time.Hour), now.Add(3*24*time.Hour+time.Hour), false), "shop.test", false, "fewer than 14 days"},
		{"wrong hostname", ca.leaf(t, "other.test", now.Add(-time.Hour), now.Add(90*24*time.Hour), false), "shop.test", false, "shop.test"},
		{"self-signed", ca.leaf(t, "shop.test", now.Add(-time.Hour), now.Add(90*24*time.Hour), true), "shop.test", false, "unknown authority"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			addr := serveTLS(t, c.cert)
			res := r.Run(context.Background(), &checklist.Probe{TLS: &checklist.TLSProbe{Host: addr, ServerName: c.sni, MinDays: 14}})
			if res.OK != c.ok || !strings.Contains(res.Detail, c.want) {
				t.Errorf("got ok=%v %q, want ok=%v containing %q", res.OK, res.Detail, c.ok, c.want)
			}
		})
	}
}

func TestDNSProbe(t *testing.T) {
	mux := dns.NewServeMux()
	mux.HandleFunc("shop.test.", func(w dns.ResponseWriter, q *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(q)
		hdr := func(t uint16) dns.RR_Header {
			return dns.RR_Header{Name: "shop.test.", Rrtype: t, Class: dns.ClassINET, Ttl: 60}
		}
		switch q.Question[0].Qtype {
		case dns.TypeA:
			m.Answer = append(m.Answer, &dns.A{Hdr: hdr(dns.TypeA), A: net.ParseIP("203.0.113.7")})
		case dns.TypeAAAA:
			m.Answer = append(m.Answer, &dns.AAAA{Hdr: hdr(dns.TypeAAAA), AAAA: net.ParseIP("2001:db8::7")})
		case dns.TypeCNAME:
			m.Answer = append(m.Answer, &dns.CNAME{Hdr: hdr(dns.TypeCNAME), Target: "lb.shop.test."})
		case dns.TypeTXT:
			m.Answer = append(m.Answer, &dns.TXT{Hdr: hdr(dns.TypeTXT), Txt: []string{"v=spf1 -all"}})
		}
		w.WriteMsg(m)
	})
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: mux}
	go srv.ActivateAndServe()
	t.Cleanup(func() { srv.Shutdown() })
	r := loopbackRunner(t)
	resolver := pc.LocalAddr().String()
	cases := []struct {
		typ, value string
		ok         bool
	}{
		{"A", "203.0.113.7", true}, {"AAAA", "2001:db8::7", true}, {"CNAME", "lb.shop.test.", true},
		{"TXT", "v=spf1 -all", true}, {"A", "203.0.113.8", false}, {"MX", "", false},
	}
	for _, c := range cases {
		p := &checklist.DNSProbe{Name: "shop.test", Type: c.typ, Resolver: resolver}
		if c.value != "" {
			p.Values = []string{c.value}
		}
		res := r.Run(context.Background(), &checklist.Probe{DNS: p, Timeout: checklist.Duration(2 * time.Second)})
		if res.OK != c.ok {
			t.Errorf("%s %s: got ok=%v %q", c.typ, c.value, res.OK, res.Detail)
		}
	}
}

func TestTCPProbe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := loopbackRunner(t)
	if res := r.Run(context.Background(), &checklist.Probe{TCP: &checklist.TCPProbe{Address: ln.Addr().String()}}); !res.OK {
		t.Errorf("open port: %+v", res)
	}
	addr := ln.Addr().String()
	ln.Close()
	if res := r.Run(context.Background(), &checklist.Probe{TCP: &checklist.TCPProbe{Address: addr}}); res.OK || !strings.Contains(res.Detail, "refused") {
		t.Errorf("closed port: %+v", res)
	}
}

// TestSSRFRefused: with the default guard every internal target is
// refused before a connection is made; a listener proves nothing arrives.
func TestSSRFRefused(t *testing.T) {
	var accepted atomic.Int32
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	def, _ := ParseAllow("")
	targets := []string{
		"http://127.0.0.1:" + port + "/",
		"http://[::1]:" + port + "/",
		"http://10.0.0.1:" + port + "/",
		"http://169.254.169.254/latest/meta-data/",
		"http://0.0.0.0:" + port + "/",
		"http://[::ffff:127.0.0.1]:" + port + "/",
		"http://localhost:" + port + "/",
		"http://2130706433:" + port + "/",
		"http://0177.0.0.1:" + port + "/",
		"http://0x7f.0.0.1:" + port + "/",
	}
	r := &Runner{Guard: def}
	for _, target := range targets {
		res := r.Run(context.Background(), &checklist.Probe{HTTP: &checklist.HTTPProbe{URL: target}, Timeout: checklist.Duration(time.Second)})
		if res.OK || !strings.Contains(res.Detail, "refused by golive's probe guard") {
			t.Errorf("%s: %+v, want refused by the guard", target, res)
		}
	}
	for _, p := range []*checklist.Probe{
		{TCP: &checklist.TCPProbe{Address: "127.0.0.1:" + port}},
		{TLS: &checklist.TLSProbe{Host: "127.0.0.1:" + port}},
		{DNS: &checklist.DNSProbe{Name: "x.test", Type: "A", Resolver: "127.0.0.1:" + port}},
	} {
		if res := r.Run(context.Background(), p); res.OK || !strings.Contains(res.Detail, "refused by golive's probe guard") {
			t.Errorf("%s probe: %+v, want refused", p.Kind(), res)
		}
	}
	// A redirect to a private address: the first hop is allowed (a host
	// on 127.0.0.1 named in the allow-list), the hop to another loopback
	// address is not.
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, "http://127.0.0.2:"+port+"/", http.StatusFound)
	}))
	defer redirect.Close()
	only, _ := ParseAllow("127.0.0.1/32")
	rr := &Runner{Guard: only}
	res := rr.Run(context.Background(), &checklist.Probe{HTTP: &checklist.HTTPProbe{URL: redirect.URL}})
	if res.OK || !strings.Contains(res.Detail, "127.0.0.2 is a loopback address") {
		t.Errorf("redirect to a private address: %+v", res)
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("%d connections reached the listener", n)
	}
	if !errors.Is(CheckHost("2130706433"), ErrRefused) || CheckHost("example.com") != nil || CheckHost("cafe.example") != nil {
		t.Error("CheckHost")
	}
}
