package e2e

import (
	"bytes"
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/receipt"
	"github.com/ag06mixer/golive/internal/release"
)

// TestSimulateCommand: golive simulate replays signed merge receipts under
// a proposed config and says which releases it would have let through or
// blocked; a receipt signed by another key is refused.
func TestSimulateCommand(t *testing.T) {
	t.Parallel()
	c := defaultCfg(t)
	key, _ := receipt.KeyFromSeed(bytes.Repeat([]byte{3}, 32))
	const x = "aws-account-with-appropriate-billing"
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	var files []string
	for i, missing := range []bool{true, false} {
		s := release.New(release.Key{Owner: "o", Repo: "r", PR: 10 + i})
		s.HeadSHA, s.Status, s.MergedAt, s.Issue = "abc", release.StatusMerged, at, 11+i
		s.Waivers = map[string]release.Waiver{}
		for _, e := range c.Flatten() {
			if e.Phase != checklist.PhasePreMerge || (e.Item.ID == x && missing) {
				continue
			}
			if e.Item.Source() == checklist.SourceApproval {
				s.Signoffs = append(s.Signoffs, release.Signoff{Role: e.Item.Evidence.Approval.Role, By: "ann", At: at, SHA: "abc"})
				continue
			}
			s.Waivers[e.Item.ID] = release.Waiver{By: "ann", At: at, Reason: "test"}
		}
		r, err := receipt.Build(c, s, receipt.Point{Kind: receipt.KindMerge, ID: "merge", At: at}, receipt.Facts{})
		if err != nil {
			t.Fatal(err)
		}
		_, file, err := receipt.Sign(r, key)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, writeTemp(t, "r.json", string(file)))
	}
	keyFile := writeTemp(t, "k.pub", string(receipt.PublicPEM(key.Public().(ed25519.PublicKey))))
	cfgFile := writeTemp(t, "golive.yml", "version: 1\ndrop: ["+x+"]\n")
	code, out := runGolive(append([]string{"simulate", "--config", cfgFile, "--key", keyFile}, files...)...)
	if code != 0 || !strings.Contains(out, "o/r#10: blocked → ready") || !strings.Contains(out, "o/r#11: ready → ready") ||
		!strings.Contains(out, "would have blocked 0 of the last 2 releases, and let through 1 that were blocked") {
		t.Errorf("simulate: exit %d\n%s", code, out)
	}
	other, _ := receipt.KeyFromSeed(bytes.Repeat([]byte{4}, 32))
	otherKey := writeTemp(t, "o.pub", string(receipt.PublicPEM(other.Public().(ed25519.PublicKey))))
	if code, out := runGolive("simulate", "--config", cfgFile, "--key", otherKey, files[0]); code == 0 {
		t.Errorf("simulate replayed a receipt another key signed:\n%s", out)
	}
}
