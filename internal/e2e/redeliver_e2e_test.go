package e2e

import (
	"context"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
	"github.com/ag06mixer/golive/internal/worker"
)

// deliver sends a webhook through the fake GitHub, as GitHub does: the
// fake signs it with the App's secret, posts it to replica 0 and records
// the attempt with the status golive answered. It returns that status.
func (h *harness) deliver(event string, body []byte) int {
	h.t.Helper()
	h.fake.SetHook(h.nodes[0].url+"/webhook", testSecret)
	_, status := h.fake.Deliver(event, body)
	return status
}

// TestE2ERedeliverAfterRedisOutage: with Redis stopped, a sign-off comment
// and a permitted hand tick get 503 and are lost to golive. Redis comes
// back; one redelivery sweep asks GitHub for both, and both take effect:
// one reaction, one sign-off, the tick kept with its evidence, no reply,
// and no second request for either.
//
// The sweep runs on a replica started once Redis is back: its client has
// never failed a dial. The replica that lived through the outage would not
// do: after PoolSize failed dials, go-redis (v9) answers every new
// connection with its last dial error until a background probe, once a
// second, gets through, and nothing public shows that state. A command can
// pass on a connection that got through while the next one fails (a test
// that waited for eight pings to pass failed one run in five: the sweep's
// lease renewal, or the redelivered comment's ingest, got "connection
// refused" from Redis that was up).
//
// Not parallel: it stops and restarts a Redis server of its own, which
// other end-to-end tests loading the machine made miss its deadlines (it
// failed so once in CI's main step).
func TestE2ERedeliverAfterRedisOutage(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed")
	}
	port := restartablePort(t)
	rp := &redisProcess{t: t, port: port, dir: t.TempDir()}
	rp.start()
	t.Cleanup(func() { exec.Command("redis-cli", "-p", port, "shutdown", "nosave").Run(); rp.cmd.Wait() })
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + port})
	t.Cleanup(func() { rdb.Close() })
	h := newHarness(t, harnessOpts{redis: &redistest.Redis{Client: rdb, Prefix: "golive-redeliver-e2e", URL: "redis://127.0.0.1:" + port + "/0"}})
	signers(h)
	if got := h.deliver("pull_request", h.openPR(t, "opened", nil)); got != http.StatusAccepted {
		t.Fatalf("pull_request.opened: got %d, want 202", got)
	}
	h.settle()
	const item = "aws-account-with-appropriate-billing"

	// Redis stops (it writes its AOF on SHUTDOWN); both deliveries get 503.
	exec.Command("redis-cli", "-p", port, "shutdown").Run()
	rp.cmd.Wait()
	signoff := h.comment(t, "sam", "Reviewed the threat model.\n/approve security", true)
	if got := h.deliver("issue_comment", signoff); got != http.StatusServiceUnavailable {
		t.Fatalf("sign-off with Redis down: got %d, want 503", got)
	}
	if got := h.deliver("issues", h.tick(t, "rita", item, true)); got != http.StatusServiceUnavailable {
		t.Fatalf("hand tick with Redis down: got %d, want 503", got)
	}
	rp.start()
	h.nodes[0].stop()
	h.nodes[0].stop = nil
	fresh := h.start(worker.Options{})
	h.fake.SetHook(fresh.url+"/webhook", testSecret) // redeliveries go there
	sys := fresh.sys
	h.settle()
	if body := h.issue(t).Body; strings.Contains(body, "signed off as Security Review") || strings.Contains(body, "by rita") {
		t.Fatal("a delivery answered 503 took effect before any redelivery: the test proves nothing")
	}

	ctx := context.Background()
	res, err := sys.Redeliver().Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Asked != 2 {
		t.Fatalf("sweep: %+v; want the 2 deliveries golive answered 503 asked for", res)
	}
	h.fake.WaitRedeliveries()
	h.settle()

	is := h.issue(t)
	if !ticked(t, is.Body, "security-team-approval") || strings.Count(is.Body, "signed off as Security Review") != 1 {
		t.Errorf("sam's sign-off is not in the issue once:\n%s", is.Body)
	}
	if !ticked(t, is.Body, item) || !strings.Contains(is.Body, "by rita") {
		t.Errorf("rita's tick was not kept with its evidence")
	}
	if got := h.reactions(t, signoff); !slices.Equal(got, []string{"+1"}) {
		t.Errorf("reactions %v, want one +1", got)
	}
	if r := append(h.replies(prNum), h.replies(is.Number)...); len(r) != 0 {
		t.Errorf("golive replied: %q", r)
	}

	// GitHub's log: each GUID failed once (503), then was redelivered once
	// (202, redelivery: true, the same GUID). A second sweep asks nothing.
	if res, err := sys.Redeliver().Sweep(ctx); err != nil || res.Asked != 0 || !res.Swept {
		t.Errorf("second sweep: %+v, %v; want a sweep that asks for nothing", res, err)
	}
	h.fake.WaitRedeliveries()
	byGUID := map[string][]githubfake.HookDelivery{}
	for _, d := range h.fake.HookDeliveries() {
		byGUID[d.GUID] = append(byGUID[d.GUID], d)
	}
	redelivered := 0
	for guid, ds := range byGUID {
		switch {
		case len(ds) == 1 && ds[0].StatusCode == http.StatusAccepted && !ds[0].Redelivery:
		case len(ds) == 2 && ds[0].StatusCode == http.StatusServiceUnavailable && !ds[0].Redelivery &&
			ds[1].StatusCode == http.StatusAccepted && ds[1].Redelivery:
			redelivered++
		default:
			t.Errorf("delivery %s: attempts %+v; want one 202, or a 503 then one redelivery answered 202", guid, ds)
		}
	}
	if redelivered != 2 {
		t.Errorf("%d deliveries redelivered, want 2", redelivered)
	}
	if n := h.fake.Count("POST /app/hook/deliveries/{delivery_id}/attempts"); n != 2 {
		t.Errorf("%d redelivery requests, want 2", n)
	}
}
