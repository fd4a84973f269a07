package e2e

import (
	"fmt"
	"net"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestStepDownWired: golive serve's workers step down while its webhook
// ingest is saturated, and only then. Requests whose bodies trickle in
// stay in flight; with twice as many as cores the replica reports itself
// stepping down, and no longer once they are gone.
func TestStepDownWired(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
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
	if gauge("golive_worker_stepping_down") != 0 {
		t.Fatal("stepping down with nothing in flight")
	}
	u, err := url.Parse(n.url)
	if err != nil {
		t.Fatal(err)
	}
	k := 2 * runtime.GOMAXPROCS(0)
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range k {
		c, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		head := strings.Join([]string{"POST /webhook HTTP/1.1", "Host: " + u.Host, "Content-Type: application/json",
			"X-GitHub-Event: check_run", fmt.Sprintf("X-GitHub-Delivery: slow-%d", i),
			"X-Hub-Signature-256: sha256=" + strings.Repeat("0", 64), "Content-Length: 1000", "", `{"action":`}, "\r\n")
		if _, err := c.Write([]byte(head)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor("the slow requests in flight", func() bool { return gauge("golive_webhook_requests_in_flight") >= float64(k) })
	if gauge("golive_worker_stepping_down") != 1 {
		t.Errorf("%d requests in flight on %d cores, and the workers do not step down", k, runtime.GOMAXPROCS(0))
	}
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	waitFor("the slow requests gone", func() bool {
		return gauge("golive_webhook_requests_in_flight") == 0 && gauge("golive_worker_stepping_down") == 0
	})
}
