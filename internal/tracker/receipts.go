package tracker

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"slices"
	"time"

	"github.com/ag06mixer/golive/config"
	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/receipt"
	"github.com/ag06mixer/golive/internal/release"
)

// receiptSigner is what a tracker signs receipts with.
type receiptSigner struct {
	key     ed25519.PrivateKey
	version string
}

// UseReceipts turns decision receipts on: the tracker signs each with key
// and names its version in it. Without it no receipt is made.
func (tr *Tracker) UseReceipts(key ed25519.PrivateKey, version string) {
	tr.receipts.Store(&receiptSigner{key: key, version: version})
}

func (tr *Tracker) signer() (receiptSigner, bool) {
	if sg := tr.receipts.Load(); sg != nil {
		return *sg, true
	}
	return receiptSigner{}, false
}

// receiptReads are the GitHub reads receipts need beyond the GitHub port;
// githubapi.Installation has them.
type receiptReads interface {
	CommentBodies(ctx context.Context, owner, repo string, n int) ([]string, error)
	PullFacts(ctx context.Context, owner, repo string, n int) (repoID int64, baseSHA, mergeSHA string, err error)
}

// receiptsKey is the Redis key of a release's receipts, a cache of the
// comments on its tracking issue.
func receiptsKey(k release.Key) string { return "receipts:" + k.String() }

// Receipts returns the release's signed receipts, oldest first, as kept in
// Redis (the dashboard's copy; GitHub holds the record).
func (tr *Tracker) Receipts(ctx context.Context, k release.Key) ([]receipt.Signed, error) {
	raw, ok, err := tr.o.Cache.CacheGet(ctx, receiptsKey(k))
	if err != nil || !ok {
		return nil, err
	}
	chain, err := receipt.DecodeChain(raw)
	if err != nil {
		tr.o.Log.Error("unreadable receipts in Redis; they are read again from GitHub", "release", k.String(), "err", err)
		return nil, nil
	}
	return chain, nil
}

func (tr *Tracker) keepReceipts(ctx context.Context, k release.Key, chain []receipt.Signed) error {
	b, err := receipt.EncodeChain(chain)
	if err != nil {
		return err
	}
	return tr.o.Cache.CacheSet(ctx, receiptsKey(k), b, 0)
}

// emitReceipts is the hook at the end of a sync, under the release's lock:
// the receipts due, then the end of the release's life (lifecycle.go).
func (tr *Tracker) emitReceipts(ctx context.Context, gh GitHub, rc repoConfig, rec *record, now time.Time) error {
	if err := tr.receiptsDue(ctx, gh, rc, rec, now); err != nil {
		return err
	}
	return tr.followToEnd(ctx, gh, rc, rec, now)
}

// receiptsDue posts the receipts of the decision points the release has
// reached (receipt.Due decides which). It reads GitHub only when a point is due.
func (tr *Tracker) receiptsDue(ctx context.Context, gh GitHub, rc repoConfig, rec *record, now time.Time) error {
	sg, on := tr.signer()
	s := rec.State
	if !on || s.Issue == 0 {
		return nil
	}
	chain, err := tr.Receipts(ctx, s.Key)
	if err != nil {
		return err
	}
	if len(receipt.Due(rc.cfg, s, receipt.Points(chain), now)) == 0 {
		return nil
	}
	_, err = tr.postReceipts(ctx, gh, rc, s, sg, chain, func(chain []receipt.Signed) []receipt.Point {
		return receipt.Due(rc.cfg, s, receipt.Points(chain), now)
	})
	return err
}

// gateReceipt records a deployment rule's answer before golive gives it,
// so a failed review is retried against a decision already on record.
func (tr *Tracker) gateReceipt(ctx context.Context, gh GitHub, rc repoConfig, rec *record, g receipt.GateDecision, at time.Time) error {
	sg, on := tr.signer()
	if !on || rec.State.Issue == 0 {
		return nil
	}
	k := rec.State.Key
	chain, err := tr.Receipts(ctx, k)
	if err != nil {
		return err
	}
	p := receipt.GatePoint(g, at)
	if slices.Contains(receipt.Points(chain), p.ID) {
		return nil
	}
	_, err = tr.postReceipts(ctx, gh, rc, rec.State, sg, chain, func(chain []receipt.Signed) []receipt.Point {
		if slices.Contains(receipt.Points(chain), p.ID) {
			return nil
		}
		return []receipt.Point{p}
	})
	return err
}

// postReceipts reads the receipts already on the tracking issue (GitHub is
// the record: a lost Redis, or a crash after a post, leaves them there),
// then builds, signs and posts each point due that none of them covers,
// keeping the chain in Redis after each.
func (tr *Tracker) postReceipts(ctx context.Context, gh GitHub, rc repoConfig, s *release.State, sg receiptSigner, chain []receipt.Signed, due func([]receipt.Signed) []receipt.Point) ([]receipt.Signed, error) {
	k := s.Key
	rr, ok := gh.(receiptReads)
	if !ok {
		return chain, fmt.Errorf("receipts of %s: the GitHub client cannot list comments", k)
	}
	found, err := tr.receiptsOnGitHub(ctx, rr, k, s.Issue, sg.key.Public().(ed25519.PublicKey))
	if err != nil {
		return chain, err
	}
	if len(found) >= len(chain) {
		chain = found
		if err := tr.keepReceipts(ctx, k, chain); err != nil {
			return chain, err
		}
	}
	points := due(chain)
	if len(points) == 0 {
		return chain, nil
	}
	f := receipt.Facts{Version: sg.version, Layers: tr.configLayers(ctx, gh, k)}
	if f.RepoID, f.BaseSHA, f.MergeCommit, err = rr.PullFacts(ctx, k.Owner, k.Repo, k.PR); err != nil {
		return chain, err
	}
	for _, p := range points {
		f.Previous = ""
		if len(chain) > 0 {
			f.Previous = chain[len(chain)-1].Digest
		}
		f.RestsOn = ""
		if p.Kind == receipt.KindDeployGate {
			f.RestsOn = receipt.RestsOn(chain)
		}
		r, err := receipt.Build(rc.cfg, s, p, f)
		if err != nil {
			return chain, err
		}
		signed, file, err := receipt.Sign(r, sg.key)
		if err != nil {
			return chain, err
		}
		body, err := receipt.Comment(signed, r, file)
		if err != nil {
			return chain, err
		}
		if _, err := gh.CreateComment(ctx, k.Owner, k.Repo, s.Issue, body); err != nil {
			return chain, fmt.Errorf("post receipt %s of %s: %w", p.ID, k, err)
		}
		tr.o.Metrics.GitHubWrites.WithLabelValues("receipt").Inc()
		tr.o.Log.Info("receipt posted", "release", k.String(), "point", p.ID, "digest", signed.Digest)
		chain = append(chain, signed)
		if err := tr.keepReceipts(ctx, k, chain); err != nil {
			return chain, err
		}
	}
	return chain, nil
}

// receiptsOnGitHub reads the release's receipts from its tracking issue's
// comments, in order. Only receipts that verify under golive's own key and
// name this release count: anyone can comment, nobody else can sign. A
// copy of a receipt counts once.
func (tr *Tracker) receiptsOnGitHub(ctx context.Context, rr receiptReads, k release.Key, issue int, pub ed25519.PublicKey) ([]receipt.Signed, error) {
	bodies, err := rr.CommentBodies(ctx, k.Owner, k.Repo, issue)
	if err != nil {
		return nil, err
	}
	var out []receipt.Signed
	seen := map[string]bool{}
	for _, b := range bodies {
		ss, err := receipt.FromText(b)
		if err != nil {
			continue
		}
		for _, s := range ss {
			r, err := receipt.Verify(s, pub)
			if err != nil || r.Release != k.String() || seen[s.Digest] {
				continue
			}
			seen[s.Digest] = true
			out = append(out, s)
		}
	}
	return out, nil
}

// configLayers names the files the config resolves from, by content. A
// read that fails leaves the layer out; the config's own hash is still
// in the receipt.
func (tr *Tracker) configLayers(ctx context.Context, gh GitHub, k release.Key) []receipt.Layer {
	layers := []receipt.Layer{receipt.LayerOf(checklist.DefaultName, config.ProductionReadiness)}
	repoFile, orgFile, err := gh.ConfigFiles(ctx, k.Owner, k.Repo)
	if err != nil {
		tr.o.Log.Warn("config files unreadable for a receipt", "release", k.String(), "err", err)
		return layers
	}
	if len(orgFile) > 0 {
		layers = append(layers, receipt.LayerOf(k.Owner+"/.github:golive.yml", orgFile))
	}
	if len(repoFile) > 0 {
		layers = append(layers, receipt.LayerOf(".github/golive.yml", repoFile))
	}
	return layers
}
