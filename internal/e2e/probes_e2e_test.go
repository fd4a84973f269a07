package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/probe"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/worker"
)

// tlsSite is a TLS server on loopback whose certificate the test swaps.
type tlsSite struct {
	addr string
	cert atomic.Pointer[tls.Certificate]
	pool *x509.CertPool
	ca   *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newTLSSite(t *testing.T) *tlsSite {
	s := &tlsSite{}
	s.key, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "e2e CA"}, IsCA: true,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &s.key.PublicKey, s.key)
	s.ca, _ = x509.ParseCertificate(der)
	s.pool = x509.NewCertPool()
	s.pool.AddCert(s.ca)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return s.cert.Load(), nil }})
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
	s.addr = ln.Addr().String()
	return s
}

// serve switches to a certificate for shop.test valid for days.
func (s *tlsSite) serve(t *testing.T, days int) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: "shop.test"}, DNSNames: []string{"shop.test"},
		NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(time.Duration(days) * 24 * time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, s.ca, &key.PublicKey, s.key)
	if err != nil {
		t.Fatal(err)
	}
	s.cert.Store(&tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key})
}

const sslItem = "ssl-certificates-valid-and-installed"

// countingProber counts runs per item target.
type countingProber struct {
	inner worker.Prober
	mu    sync.Mutex
	runs  map[string]int
}

func (c *countingProber) Run(ctx context.Context, p *checklist.Probe) release.ProbeResult {
	c.mu.Lock()
	c.runs[fmt.Sprint(p.Kind(), p.TLS, p.HTTP)]++
	c.mu.Unlock()
	return c.inner.Run(ctx, p)
}

// TestScenarioTLSProbeGatesTheRelease: a release with everything else done
// stays blocked while its TLS probe finds an expired certificate; once
// the certificate is replaced the next probe ticks the item and the check
// turns green.
func TestScenarioTLSProbeGatesTheRelease(t *testing.T) {
	long(t)
	t.Parallel()
	site := newTLSSite(t)
	site.serve(t, -1) // expired yesterday
	guard, _ := probe.ParseAllow("127.0.0.1/32")
	runner := &probe.Runner{Guard: guard, Roots: site.pool}
	h := newHarness(t, harnessOpts{replicas: -1})
	signers(h)
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		repos[testRepo].Files[".github/golive.yml"] = fmt.Sprintf(`version: 1
override:
  %s:
    evidence: {probe: {tls: {host: "%s", server_name: shop.test, min_days: 14}, interval: 10s}}
`, sslItem, site.addr)
	})
	h.start(worker.Options{Prober: runner, ProbeEvery: 100 * time.Millisecond})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	cfg := defaultCfg(t)
	plan := checklist.PlanReady(cfg)
	plan.Waivers = strings.Replace(plan.Waivers, "/waive "+sslItem+" 7d no live endpoint to probe yet\n", "", 1)
	if strings.Contains(plan.Waivers, sslItem) {
		t.Fatal("the plan still waives the TLS item")
	}
	for _, name := range plan.Checks {
		h.send("check_run", h.checkRun(t, name, headA, "success"))
	}
	h.send("deployment_status", h.deploy(t, "staging", headA, "success"))
	h.send("issue_comment", h.comment(t, "adam", plan.Ticks, false))
	h.send("issue_comment", h.comment(t, "adam", plan.Waivers, false))
	h.send("issue_comment", h.comment(t, "sam", plan.SecWaivers, false))
	h.settle()
	for _, who := range []string{"tina tech-lead", "sam security", "bob business", "olga ops", "rita final"} {
		user, role, _ := strings.Cut(who, " ")
		h.send("issue_comment", h.comment(t, user, "/approve "+role, true))
		h.settle()
	}
	waitFor(t, 10*time.Second, func() bool {
		return strings.Contains(h.readiness(headA)[0].Summary(), "SSL certificates valid and installed")
	})
	cr := h.readiness(headA)[0]
	if cr.Conclusion != "failure" || !strings.Contains(cr.Title(), "1 required item missing") {
		t.Fatalf("with an expired certificate: %s %q\n%s", cr.Conclusion, cr.Title(), cr.Summary())
	}
	if !strings.Contains(h.issue(t).Body, "expired") {
		t.Errorf("the issue does not say the certificate expired")
	}
	site.serve(t, 90)
	waitFor(t, 15*time.Second, func() bool { return h.readiness(headA)[0].Conclusion == "success" })
	if body := h.issue(t).Body; !ticked(t, body, sslItem) || !strings.Contains(body, "issuer e2e CA") {
		t.Errorf("the fixed certificate did not tick the item with its evidence")
	}
}

// TestScenarioTwoSchedulersProbeOncePerInterval: two replicas on one Redis run
// each probe once per interval between them.
func TestScenarioTwoSchedulersProbeOncePerInterval(t *testing.T) {
	long(t)
	t.Parallel()
	site := newTLSSite(t)
	site.serve(t, 90)
	guard, _ := probe.ParseAllow("127.0.0.1/32")
	counter := &countingProber{inner: &probe.Runner{Guard: guard, Roots: site.pool}, runs: map[string]int{}}
	h := newHarness(t, harnessOpts{replicas: -1})
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		repos[testRepo].Files[".github/golive.yml"] = fmt.Sprintf(`version: 1
override:
  %s:
    evidence: {probe: {tls: {host: "%s", server_name: shop.test}, interval: 10s}}
`, sslItem, site.addr)
	})
	for range 2 {
		h.start(worker.Options{Prober: counter, ProbeEvery: 50 * time.Millisecond})
	}
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	start := time.Now()
	time.Sleep(12 * time.Second) // the probe's shortest interval is 10s
	elapsed := time.Since(start)
	counter.mu.Lock()
	defer counter.mu.Unlock()
	for target, n := range counter.runs {
		if !strings.Contains(target, site.addr) {
			continue
		}
		max := int(elapsed/(10*time.Second)) + 1 // the run at open, and one per interval
		if n < 2 || n > max {
			t.Errorf("the TLS probe ran %d times in %v over two replicas, want 2..%d", n, elapsed.Round(time.Millisecond), max)
		}
		return
	}
	t.Errorf("the TLS probe never ran: %v", counter.runs)
}

func waitFor(t *testing.T, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if ok() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("condition not met within %v", d)
}
