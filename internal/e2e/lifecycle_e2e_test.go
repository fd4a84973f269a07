package e2e

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/receipt"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/worker"
)

// testClock is the workers' injected clock: real time moved on by a
// settable offset, so a test can let a month pass.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// closingComments are the tracking issue's comments that hold the closing
// summary's marker.
func (h *harness) closingComments(t testing.TB, k release.Key) []string {
	t.Helper()
	var out []string
	for _, c := range h.comments(h.issue(t).Number) {
		if strings.Contains(c.Body, release.ClosingMarker(k)) {
			out = append(out, c.Body)
		}
	}
	return out
}

// TestE2ELifecycleClosesIssueAfterLastWindow: a merged release followed by
// two replicas. Before its 30-day window closes the issue stays open and
// the release is swept; once it has (an injected clock moves a month on),
// the window-closed receipts are posted once each, chained to the merge
// receipt and accepted by golive verify; the issue gets one closing
// summary, however many syncs and replicas run, and is closed as
// completed; the release leaves the swept set, and its record, receipts
// copy included, expires GOLIVE_RETENTION after the window (miniredis is
// fast-forwarded past it; a real Redis shows the expiry).
func TestE2ELifecycleClosesIssueAfterLastWindow(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	h := newHarness(t, harnessOpts{replicas: 2, opts: worker.Options{Clock: clock.now}})
	ctx := context.Background()
	k := release.Key{Owner: "Codertocat", Repo: "Hello-World", PR: prNum}
	refresh := func(id string) {
		t.Helper()
		for i, n := range h.nodes {
			if err := n.sys.Worker().RequestRefresh(ctx, k, 0, id+"-"+string(rune('a'+i)), "test", false); err != nil {
				t.Fatal(err)
			}
		}
		h.settle()
	}
	signers(h)
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.settle()
	merged := h.mergeNow(t)
	h.post(0, "pull_request", merged, "merge-1")
	h.post(1, "pull_request", merged, "merge-2")
	h.settle()

	clock.advance(29 * 24 * time.Hour) // inside the month: nothing ends
	refresh("day29")
	if got := h.issue(t).State; got != "open" {
		t.Fatalf("on day 29 the tracking issue is %s, want open", got)
	}
	if n := len(h.closingComments(t, k)); n != 0 {
		t.Fatalf("on day 29: %d closing summaries, want 0", n)
	}
	store := h.nodes[0].sys.Store()
	if names, _ := store.Releases(ctx); len(names) != 1 {
		t.Fatalf("on day 29 the swept releases are %v, want the merged one", names)
	}

	clock.advance(2 * 24 * time.Hour) // day 31: the last window has closed
	refresh("day31")
	refresh("day31-again") // a duplicate sweep, on both replicas
	h.send("pull_request", merged)
	h.settle()

	is := h.issue(t)
	if is.State != "closed" || is.StateReason != "completed" {
		t.Errorf("tracking issue after the last window: %s (%s), want closed (completed)", is.State, is.StateReason)
	}
	summaries := h.closingComments(t, k)
	if len(summaries) != 1 {
		t.Fatalf("got %d closing summaries, want 1", len(summaries))
	}
	for _, want := range []string{"| First month |", "Decision receipts on this issue: 4."} {
		if !strings.Contains(summaries[0], want) {
			t.Errorf("closing summary lacks %q:\n%s", want, summaries[0])
		}
	}
	if names, _ := store.Releases(ctx); len(names) != 0 {
		t.Errorf("after the last window the swept releases are %v, want none", names)
	}

	rc := h.receiptComments(t)
	var chain []receipt.Signed
	var files []string
	for i, c := range rc {
		ss, err := receipt.FromText(c.Body)
		if err != nil {
			t.Fatal(err)
		}
		chain = append(chain, ss...)
		files = append(files, writeTemp(t, "r"+string(rune('0'+i))+".md", c.Body))
	}
	want := []string{"merge", "window:24h", "window:7d", "window:30d"}
	if got := receipt.Points(chain); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("receipts posted: %v, want %v, each once", got, want)
	}
	keyFile, pub := h.publicKey(t)
	rs, err := receipt.VerifyChain(chain, pub, "")
	if err != nil {
		t.Fatal(err)
	}
	if rs[1].Kind != receipt.KindWindowClosed || rs[1].Previous != chain[0].Digest {
		t.Errorf("first window receipt: kind %s, previous %q; want window_closed after the merge receipt %s", rs[1].Kind, rs[1].Previous, chain[0].Digest)
	}
	// The merge receipt's sign-off carries what golive checked of sam then.
	if len(rs[0].Signoffs) != 1 {
		t.Fatalf("merge receipt sign-offs: %+v, want sam's", rs[0].Signoffs)
	}
	if ch := rs[0].Signoffs[0].Checked; ch == nil || ch.Permission != "write" || strings.Join(ch.Teams, ",") != "ag06mixer/business-owners,ag06mixer/security" || ch.At == "" {
		t.Errorf("sam's sign-off in the merge receipt: checked %+v, want write, both teams, a time", ch)
	}
	args := append([]string{"verify", "--offline", "--key", keyFile}, files...)
	if code, out := runGolive(args...); code != 0 || !strings.Contains(out, "chain: 4 receipts") || !strings.Contains(out, "intact") {
		t.Errorf("golive verify of merge and window receipts: exit %d\n%s", code, out)
	}

	// Retention: the record and its receipts' copy expire 14 days after
	// the 30-day window (merged on day 0, now day 31: 13 days from now).
	rdb := store.Client()
	stateKey := h.redis.Prefix + ":{rel:" + k.String() + "}:state"
	ttl, err := rdb.PTTL(ctx, stateKey).Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl > 13*24*time.Hour+time.Hour || ttl < 13*24*time.Hour-time.Hour {
		t.Fatalf("record expiry in %v, want about 13 days", ttl)
	}
	if rttl, _ := rdb.PTTL(ctx, h.redis.Prefix+":cache:receipts:"+k.String()).Result(); rttl <= 0 || rttl > ttl+time.Minute {
		t.Errorf("receipts copy expires in %v, want with the record (%v)", rttl, ttl)
	}
	if !h.redis.Real() {
		h.redis.Advance(ttl + time.Second)
		if snap, err := h.nodes[0].sys.Worker().Snapshot(ctx, k); err != nil || snap != nil {
			t.Errorf("after the retention the record is still there (%v)", err)
		}
	}
}
