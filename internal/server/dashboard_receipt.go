package server

import (
	"context"
	"crypto/ed25519"

	"github.com/ag06mixer/golive/internal/overview"
	"github.com/ag06mixer/golive/internal/receipt"
	"github.com/ag06mixer/golive/internal/release"
)

// ReceiptChains gives a release's signed decision receipts, oldest first:
// the worker's copy in Redis of those on the tracking issue.
type ReceiptChains interface {
	Receipts(ctx context.Context, k release.Key) ([]receipt.Signed, error)
}

// decidedView is the release page's "as decided at merge": the merge
// receipt beside now, or why it cannot be shown.
type decidedView struct {
	D       *overview.Decided
	Problem string
}

// decided finds the release's merge receipt, verifies it under golive's
// key and sets it beside the release now. Nil when there is nothing to
// show: receipts are off, or the release is not merged and has none.
// A receipt that does not verify is not shown, only named as such: the
// page never presents as decided what golive cannot prove it signed.
func (x *dash) decided(ctx context.Context, k release.Key, rel *overview.Release) *decidedView {
	if x.Receipts == nil {
		return nil
	}
	chain, err := x.Receipts.Receipts(ctx, k)
	if err != nil {
		x.Log.Warn("dashboard: receipts", "release", k.String(), "err", err)
		return &decidedView{Problem: "golive could not read this release's decision receipts right now; they stay on the tracking issue."}
	}
	var merge *receipt.Signed
	for i := range chain {
		if receipt.PointOf(chain[i]) == "merge" {
			merge = &chain[i]
		}
	}
	if merge == nil {
		if rel.MergedAt.IsZero() {
			return nil
		}
		return &decidedView{Problem: "No merge receipt is recorded for this release yet: golive posts it on the tracking issue once the merge is synced."}
	}
	if len(x.ReceiptKey) != ed25519.PublicKeySize {
		return &decidedView{Problem: "The merge receipt cannot be verified here: this server has no receipt key."}
	}
	rc, err := receipt.Verify(*merge, x.ReceiptKey)
	if err != nil || rc.Release != k.String() {
		x.Log.Error("dashboard: merge receipt does not verify", "release", k.String(), "digest", merge.Digest, "err", err)
		return &decidedView{Problem: "The merge receipt golive keeps for this release does not verify under its key, so it is not shown; the receipt comment on the tracking issue is the record."}
	}
	return &decidedView{D: overview.CompareDecided(rel, rc, merge.Digest)}
}
