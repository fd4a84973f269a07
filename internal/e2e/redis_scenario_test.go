package e2e

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ag06mixer/golive/internal/cli"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
)

// redisProcess is a redis-server of the test's own, with AOF on, that the
// test can stop and start again.
type redisProcess struct {
	t         *testing.T
	port, dir string
	cmd       *exec.Cmd
	logged    bool
}

func (r *redisProcess) start() {
	if !r.logged {
		// A failing test shows what its Redis said.
		r.logged = true
		r.t.Cleanup(func() {
			if b, err := os.ReadFile(filepath.Join(r.dir, "redis.log")); err == nil && r.t.Failed() {
				r.t.Logf("redis-server log:\n%s", b)
			}
		})
	}
	r.cmd = exec.Command("redis-server", "--port", r.port, "--bind", "127.0.0.1", "--dir", r.dir,
		"--appendonly", "yes", "--appendfsync", "always", "--save", "", "--logfile", filepath.Join(r.dir, "redis.log"))
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	// Ready is a PONG, not an open port: while Redis replays its AOF it
	// accepts connections and answers LOADING, and golive rightly refuses
	// deliveries with 503 (seen at full size, 2026-11-27). A deployment's
	// readiness probe keeps traffic away for that time; so does the test.
	for range 500 {
		out, err := exec.Command("redis-cli", "-p", r.port, "ping").Output()
		if err == nil && strings.TrimSpace(string(out)) == "PONG" {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.t.Fatal("redis-server did not become ready in 10s")
}

// restart stops Redis (it writes its AOF on SHUTDOWN) and starts it again.
func (r *redisProcess) restart() {
	exec.Command("redis-cli", "-p", r.port, "shutdown").Run()
	r.cmd.Wait()
	r.start()
}

// TestScenarioRedis: Redis is restarted (AOF on) between phases of the
// storm while golive works; every release ends right. Then Redis is
// flushed and `golive reconcile` rebuilds every release: the issues are
// identical, byte for byte, and no second issue appears.
func TestScenarioRedis(t *testing.T) {
	long(t)
	t.Parallel()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed")
	}
	port := restartablePort(t)
	rp := &redisProcess{t: t, port: port, dir: t.TempDir()}
	rp.start()
	t.Cleanup(func() { exec.Command("redis-cli", "-p", port, "shutdown", "nosave").Run(); rp.cmd.Wait() })
	url := "redis://127.0.0.1:" + port + "/0"
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + port})
	t.Cleanup(func() { rdb.Close() })
	h := newHarness(t, harnessOpts{replicas: -1, redis: &redistest.Redis{Client: rdb, Prefix: "golive-redis-scenario", URL: url}})
	// No probes here (the harness runs none unless asked): their results
	// are fresh facts, not rebuilt ones, and would differ by their times.
	h.start(harnessOptsWorker())
	signers(h)
	sz := size()
	p := &poster{t: t, urls: nodeURLs(h), rate: sz.rate}
	restarts := 0
	s := &storm{h: h, t: t, sz: sz, post: func(event string, bodies [][]byte) {
		p.post(event, bodies)
		if restarts < 2 {
			time.Sleep(50 * time.Millisecond) // mid-processing
			rp.restart()
			restarts++
		}
	}}
	s.play()
	h.settleWithin(90 * time.Second)
	s.verify()
	before := map[int]string{}
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, is := range repos[testRepo].Issues {
			before[is.Number] = is.Body
		}
	})

	// Lose Redis entirely, then reconcile.
	if err := rdb.FlushAll(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := cli.Reconcile(context.Background(), &out, h.nodes[0].sys, nil); err != nil {
		t.Fatalf("reconcile: %v\n%s", err, out.String())
	}
	if n := strings.Count(out.String(), ": reconciled"); n != sz.releases {
		t.Errorf("reconciled %d releases, want %d:\n%s", n, sz.releases, out.String())
	}
	after := map[int]string{}
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, is := range repos[testRepo].Issues {
			after[is.Number] = is.Body
		}
	})
	if len(after) != len(before) {
		t.Fatalf("%d issues after the rebuild, %d before", len(after), len(before))
	}
	for n, b := range before {
		if after[n] != b {
			t.Errorf("issue #%d differs after the rebuild:\n%s", n, lineDiff(b, after[n]))
		}
	}
	t.Logf("redis: %d restarts during %s; %d issues rebuilt identically", restarts, p.summary(), len(after))
}

// lineDiff shows the first line where want and got differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d\nbefore: %.300s\nafter:  %.300s", i+1, a, b)
		}
	}
	return "(same)"
}

// restartablePort picks a free loopback port below the kernel's ephemeral
// range (32768 and up on Linux) for a server the test stops and starts
// again. While it is down, clients keep redialling it; with a port inside
// the ephemeral range a redial can pick that same port as its source and
// connect to itself (TCP self-connect), holding the port so the server
// cannot come back.
func restartablePort(t *testing.T) string {
	t.Helper()
	for range 200 {
		p := strconv.Itoa(20000 + mrand.IntN(12000))
		if ln, err := net.Listen("tcp", "127.0.0.1:"+p); err == nil {
			ln.Close()
			return p
		}
	}
	t.Fatal("no free port below the ephemeral range")
	return ""
}
