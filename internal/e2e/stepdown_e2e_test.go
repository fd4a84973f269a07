package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/redisstore/redistest"
)

// stallProxy forwards TCP to a Redis, and holds what clients send while
// stalled: every Redis call of golive waits, as on a Redis that stopped
// answering for a moment.
type stallProxy struct {
	ln      net.Listener
	target  string
	stalled atomic.Bool
	mu      sync.Mutex
	conns   []net.Conn
}

func newStallProxy(t *testing.T, target string) *stallProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{ln: ln, target: target}
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, c := range p.conns {
			c.Close()
		}
	})
	return p
}

func (p *stallProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go p.pipe(up, c, true)
		go p.pipe(c, up, false)
	}
}

// pipe copies src to dst; what a client sends waits while stalled.
func (p *stallProxy) pipe(dst, src net.Conn, fromClient bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			for fromClient && p.stalled.Load() {
				time.Sleep(time.Millisecond)
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			dst.Close()
			return
		}
	}
}

// TestStepDownWired: golive serve's workers step down while its ingest is
// saturated with signed deliveries, and only then. With Redis stalled,
// signed deliveries stay in flight at their queueing, and the replica
// reports itself stepping down; it stops once they are answered. Requests
// that are not signed are answered and never counted.
func TestStepDownWired(t *testing.T) {
	t.Parallel()
	r := redistest.New(t)
	u, err := url.Parse(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newStallProxy(t, u.Host)
	via := *r
	u.Host = proxy.ln.Addr().String()
	via.URL = u.String()
	h := newHarness(t, harnessOpts{redis: &via})
	n := h.nodes[0]
	gauge := func(name string) float64 {
		mfs, err := n.sys.Metrics().Registry.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == name && len(mf.GetMetric()) == 1 {
				return mf.GetMetric()[0].GetGauge().GetValue()
			}
		}
		t.Fatalf("no gauge %s", name)
		return 0
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !ok(); {
			if time.Now().After(deadline) {
				t.Fatalf("%s: in flight %v, stepping down %v", what, gauge("golive_webhook_requests_in_flight"), gauge("golive_worker_stepping_down"))
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	post := func(id, sig string, body []byte) (int, error) {
		req, _ := http.NewRequest(http.MethodPost, n.url+"/webhook", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", "check_run")
		req.Header.Set("X-GitHub-Delivery", id)
		req.Header.Set("X-Hub-Signature-256", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	body := payload(t, "check_run/completed.json", nil)
	if gauge("golive_worker_stepping_down") != 0 {
		t.Fatal("stepping down with nothing in flight")
	}
	proxy.stalled.Store(true)
	k := 2
	codes := make(chan int, k)
	for i := range k {
		go func() {
			code, err := post(fmt.Sprintf("stalled-%d", i), sign([]byte(testSecret), body), body)
			if err != nil {
				t.Error(err)
			}
			codes <- code
		}()
	}
	// Unsigned requests are answered (401) without being counted.
	for i := range 3 * k {
		if code, err := post(fmt.Sprintf("unsigned-%d", i), "sha256="+fmt.Sprintf("%064d", i), body); err != nil || code != http.StatusUnauthorized {
			t.Fatalf("an unsigned request: %d, %v", code, err)
		}
	}
	waitFor("the signed deliveries in flight", func() bool { return gauge("golive_webhook_requests_in_flight") >= float64(k) })
	if gauge("golive_worker_stepping_down") != 1 {
		t.Errorf("%d signed deliveries in flight, and the workers do not step down", k)
	}
	proxy.stalled.Store(false)
	for range k {
		if code := <-codes; code != http.StatusAccepted {
			t.Errorf("a stalled delivery answered %d once Redis answered again, want 202", code)
		}
	}
	waitFor("the deliveries answered", func() bool {
		return gauge("golive_webhook_requests_in_flight") == 0 && gauge("golive_worker_stepping_down") == 0
	})
}
