package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/worker"
)

// outageOpts shorten the retry budget to a second and the breaker's
// cool-down to 200 ms: an outage of a few seconds is then many budgets
// long, as a 10-minute GitHub incident is against the 1-hour default and
// a 2-minute count of tries.
var outageOpts = worker.Options{RetryBudget: time.Second, RetryBase: 50 * time.Millisecond, BreakerCooldown: 200 * time.Millisecond}

// TestE2EGitHubOutageLosesNothing: GitHub answers 503 to everything for
// four retry budgets while four sign-offs and a remark arrive. The installation's
// breaker opens and parks them; nothing is dead-lettered; /readyz stays
// 200 with a degraded note; once GitHub answers, the breaker closes and
// every sign-off is applied, each with its reaction.
func TestE2EGitHubOutageLosesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{opts: outageOpts})
	signers(h)
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	m := h.nodes[0].sys.Metrics()

	start := time.Now()
	h.fake.Inject(&githubfake.Fault{Status: 503})
	var posted [][]byte
	// Four sign-offs and a remark: each needs GitHub to say who wrote it.
	for _, c := range []struct{ who, text string }{{"tina", "/approve tech-lead"}, {"sam", "/approve security"}, {"bob", "/approve business"}, {"olga", "/approve ops"}, {"rita", "looks good"}} {
		body := h.comment(t, c.who, c.text, true)
		posted = append(posted, body)
		h.send("issue_comment", body)
	}
	waitUntil(t, "the breaker to open", func() bool { return gaugeValue(m.BreakerOpen.WithLabelValues("1")) == 1 })
	sawDegraded := false
	for time.Since(start) < 4*outageOpts.RetryBudget {
		code, body := h.readyz(t)
		if code != http.StatusOK {
			t.Fatalf("GET /readyz while GitHub answers 503: got %d %s, want 200", code, body)
		}
		sawDegraded = sawDegraded || strings.Contains(body, `"github":"unreachable`)
		if st := h.queueStats(t); st.Dead != 0 {
			t.Fatalf("%d deliveries dead-lettered during the outage", st.Dead)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !sawDegraded {
		t.Error("/readyz never noted GitHub as unreachable")
	}
	if got := gaugeValue(m.GitHubReachable); got != 0 {
		t.Errorf("golive_github_reachable = %v during the outage, want 0", got)
	}
	if got := counterValue(m.Processed.WithLabelValues("issue_comment", "paused")); got < 5 {
		t.Errorf("golive_worker_events_total{outcome=paused} = %v, want the deliveries parked", got)
	}
	h.fake.ClearFaults()
	h.settleWithin(30 * time.Second)
	if st := h.queueStats(t); st.Dead != 0 {
		t.Fatalf("%d deliveries dead-lettered", st.Dead)
	}
	body := h.issue(t).Body
	for _, role := range []string{"Technical Lead", "Security Review", "Business Owner", "Operations Manager"} {
		if !strings.Contains(body, "signed off as "+role) {
			t.Errorf("the %s sign-off made during the outage was not applied", role)
		}
	}
	for i, p := range posted[:4] {
		if r := h.reactions(t, p); len(r) != 1 {
			t.Errorf("sign-off %d got reactions %q, want one", i+1, r)
		}
	}
	if got := gaugeValue(m.BreakerOpen.WithLabelValues("1")); got != 0 {
		t.Errorf("golive_github_breaker_open{installation=1} = %v after GitHub answered, want 0", got)
	}
}

// TestE2EDeadLettersRequeuedWhenGitHubAnswers: deliveries that used up
// their budget before the breaker opened (here: a budget so short that a
// single failure spends it) go to the dead letters; when the breaker
// closes they are put back and applied, with no `golive requeue`.
func TestE2EDeadLettersRequeuedWhenGitHubAnswers(t *testing.T) {
	t.Parallel()
	o := outageOpts
	o.RetryBudget = time.Millisecond
	h := newHarness(t, harnessOpts{opts: o})
	signers(h)
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	m := h.nodes[0].sys.Metrics()
	h.fake.Inject(&githubfake.Fault{Status: 503})
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	waitUntil(t, "the sign-off to be dead-lettered", func() bool { return h.queueStats(t).Dead == 1 })
	for _, who := range []string{"tina", "bob", "olga", "rita", "adam"} {
		h.send("issue_comment", h.comment(t, who, "a remark", true)) // each needs GitHub: opens the breaker
	}
	waitUntil(t, "the breaker to open", func() bool { return gaugeValue(m.BreakerOpen.WithLabelValues("1")) == 1 })
	h.fake.ClearFaults()
	waitUntil(t, "the breaker to close", func() bool { return gaugeValue(m.BreakerOpen.WithLabelValues("1")) == 0 })
	h.settleWithin(30 * time.Second)
	if st := h.queueStats(t); st.Dead != 0 {
		t.Fatalf("%d dead letters left after GitHub answered again", st.Dead)
	}
	if !strings.Contains(h.issue(t).Body, "signed off as Security Review") {
		t.Fatal("the dead-lettered sign-off was not applied after the breaker closed")
	}
	if got := counterValue(m.Requeued.WithLabelValues("breaker_closed")); got < 1 {
		t.Errorf("golive_dead_letters_requeued_total{reason=breaker_closed} = %v, want ≥ 1", got)
	}
}

func (h *harness) readyz(t *testing.T) (int, string) {
	t.Helper()
	resp, err := http.Get(h.nodes[0].url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func gaugeValue(g interface{ Write(*dto.Metric) error }) float64 {
	var m dto.Metric
	g.Write(&m)
	return m.GetGauge().GetValue()
}
