package e2e

import (
	"context"
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
)

// TestScenarioNothingLost: the release storm, delivered by the fake GitHub
// one delivery at a time as GitHub would (no retry by the sender), while
// Redis is stopped twice, for a whole phase each time (every delivery of
// it is refused with 503), and GitHub fails a run of requests in the
// middle. Redelivery sweeps then ask GitHub for what golive refused, and
// every release ends exactly as in the plain storm: every delivery's
// effect is there, once. The figures go to docs/benchmarks.md.
func TestScenarioNothingLost(t *testing.T) {
	long(t)
	t.Parallel()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed")
	}
	port := restartablePort(t)
	rp := &redisProcess{t: t, port: port, dir: t.TempDir()}
	rp.start()
	t.Cleanup(func() { exec.Command("redis-cli", "-p", port, "shutdown", "nosave").Run(); rp.cmd.Wait() })
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + port})
	t.Cleanup(func() { rdb.Close() })
	h := newHarness(t, harnessOpts{replicas: -1, redis: &redistest.Redis{Client: rdb, Prefix: "golive-nothing-lost", URL: "redis://127.0.0.1:" + port + "/0"}})
	n := h.start(harnessOptsWorker())
	h.fake.SetHook(n.url+"/webhook", testSecret)
	signers(h)
	ctx := context.Background()
	reconnected := func() {
		waitUntil(t, "golive's Redis client to reconnect", func() bool { return n.sys.Store().Ping(ctx) == nil })
	}

	phase, refused, faults := 0, 0, 0
	s := &storm{h: h, t: t, sz: size(), post: func(event string, bodies [][]byte) {
		phase++
		// Each phase is worked before the next, so the storm keeps the
		// order people and CI made it in; what is lost is what Redis
		// refused, not what a race reordered.
		h.settleWithin(90 * time.Second)
		redisDown := phase == 2 || phase == 6 // two CI batches: the first, and the one on the final head
		if redisDown {
			exec.Command("redis-cli", "-p", port, "shutdown").Run()
			rp.cmd.Wait()
		}
		if phase == 4 {
			// GitHub fails a run of requests while this phase is worked.
			h.fake.Inject(&githubfake.Fault{Status: 502, Times: 25})
			faults += 25
		}
		for _, b := range bodies {
			_, status := h.fake.Deliver(event, b)
			switch {
			case status == http.StatusServiceUnavailable && redisDown:
				refused++
			case status != http.StatusAccepted:
				t.Errorf("phase %d: %s delivery answered %d", phase, event, status)
			}
		}
		if redisDown {
			rp.start()
			reconnected()
		}
	}}
	s.play()
	h.settleWithin(90 * time.Second)

	asked, sweeps := 0, 0
	for sweeps < 5 {
		res, err := n.sys.Redeliver().Sweep(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sweeps++
		h.fake.WaitRedeliveries()
		h.settleWithin(90 * time.Second)
		asked += res.Asked
		if res.Asked == 0 && res.Errors == 0 {
			break
		}
	}
	if asked != refused {
		t.Errorf("%d redeliveries asked, want the %d deliveries refused while Redis was down", asked, refused)
	}
	if refused == 0 {
		t.Fatal("no delivery was refused: the scenario proves nothing")
	}
	s.verify() // every release: one issue, all checks, pushes and sign-offs, no dead letter
	t.Logf("nothing lost: %d deliveries refused (Redis down twice), %d redeliveries asked in %d sweeps, %d GitHub requests failed (502), effects lost 0",
		refused, asked, sweeps, faults)
}
