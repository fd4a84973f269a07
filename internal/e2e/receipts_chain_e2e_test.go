package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/cli"
	"github.com/ag06mixer/golive/internal/receipt"
	"github.com/ag06mixer/golive/internal/release"
)

// TestE2EReceiptChainSurvivesRedisLoss: a deploy-gate receipt follows the
// merge receipt and rests on it; after Redis is flushed and the release
// reconciled, golive finds both on GitHub again, posts neither twice, and
// golive verify accepts the chain in order and refuses it re-ordered or
// signed by another key. golive audit lists both with their controls.
func TestE2EReceiptChainSurvivesRedisLoss(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{})
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	h.send("pull_request", h.mergeNow(t))
	h.settle()
	gate := h.deployGate(t, "production", headB)
	h.post(0, "deployment_protection_rule", gate, "gate-1")
	h.post(0, "deployment_protection_rule", gate, "gate-2") // the same request, delivered again
	h.settle()
	rc := h.receiptComments(t)
	if len(rc) != 2 {
		t.Fatalf("got %d receipt comments, want 2 (merge, deploy gate)", len(rc))
	}
	keyFile, pub := h.publicKey(t)
	var chain []receipt.Signed
	for _, c := range rc {
		ss, err := receipt.FromText(c.Body)
		if err != nil {
			t.Fatal(err)
		}
		chain = append(chain, ss...)
	}
	rs, err := receipt.VerifyChain(chain, pub, "")
	if err != nil {
		t.Fatal(err)
	}
	if g := rs[1].Gate; g == nil || g.Approved || g.Environment != "production" || rs[1].RestsOn != chain[0].Digest {
		t.Errorf("deploy gate receipt: gate %+v, rests on %q; want production rejected, resting on %s", g, rs[1].RestsOn, chain[0].Digest)
	}
	if reviews := h.gateReviews(); len(reviews) == 0 || reviews[len(reviews)-1].State != "rejected" {
		t.Errorf("gate reviews: %+v", reviews)
	}

	ctx := context.Background()
	rdb := h.nodes[0].sys.Store().Client()
	keys, _ := rdb.Keys(ctx, h.redis.Prefix+":*").Result()
	rdb.Del(ctx, keys...)
	var out strings.Builder
	if err := cli.Reconcile(ctx, &out, h.nodes[0].sys, nil); err != nil {
		t.Fatalf("reconcile: %v\n%s", err, out.String())
	}
	h.settle()
	if n := len(h.receiptComments(t)); n != 2 {
		t.Fatalf("after Redis loss and reconcile: %d receipt comments, want the same 2", n)
	}
	k := release.Key{Owner: "Codertocat", Repo: "Hello-World", PR: prNum}
	kept, err := h.nodes[0].sys.Worker().Receipts(ctx, k)
	if err != nil || len(kept) != 2 || kept[0].Digest != chain[0].Digest || kept[1].Digest != chain[1].Digest {
		t.Fatalf("Redis after reconcile holds %d receipts (%v), want the chain from GitHub", len(kept), err)
	}

	merge, deploy := writeTemp(t, "merge.md", rc[0].Body), writeTemp(t, "deploy.md", rc[1].Body)
	if code, out := runGolive("verify", "--offline", "--key", keyFile, merge, deploy); code != 0 || !strings.Contains(out, "chain: 2 receipts") || !strings.Contains(out, "intact") {
		t.Errorf("verify the chain: exit %d\n%s", code, out)
	}
	if code, out := runGolive("verify", "--offline", "--key", keyFile, deploy, merge); code == 0 || !strings.Contains(out, "chain broken") {
		t.Errorf("verify a re-ordered chain: exit %d\n%s", code, out)
	}
	other, err := receipt.KeyFromSeed(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	_, forged, err := receipt.Sign(rs[0], other)
	if err != nil {
		t.Fatal(err)
	}
	if code, out := runGolive("verify", "--offline", "--key", keyFile, writeTemp(t, "forged.json", string(forged))); code == 0 || !strings.Contains(out, "signature does not verify") {
		t.Errorf("verify a receipt signed by another key: exit %d\n%s", code, out)
	}

	var js bytes.Buffer
	if err := cli.Audit(ctx, &js, &js, h.nodes[0].sys, pub, testRepo, "2026-01-01", "json"); err != nil {
		t.Fatalf("audit: %v\n%s", err, js.String())
	}
	var rows []cli.AuditRow
	if err := json.Unmarshal(js.Bytes(), &rows); err != nil {
		t.Fatalf("audit json: %v\n%s", err, js.String())
	}
	if len(rows) != 2 || rows[0].Digest != chain[0].Digest || rows[1].Point != "deploy:777:production" || rows[1].Previous != chain[0].Digest || !strings.Contains(rows[0].Controls, "CC8.1") {
		t.Errorf("audit rows: %+v", rows)
	}
	var csv bytes.Buffer
	if err := cli.Audit(ctx, &csv, &csv, h.nodes[0].sys, pub, testRepo, "2999-01-01", "csv"); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(csv.String()), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "release,point,kind") {
		t.Errorf("audit since a future date: %q, want the header alone", csv.String())
	}
	if err := cli.Audit(ctx, &csv, &csv, h.nodes[0].sys, pub, testRepo, "yesterday", "csv"); err == nil {
		t.Error("audit accepted --since yesterday")
	}
}
