package render

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/release"
)

// TestLedgerKeepsSignoffStanding: the signed ledger carries what golive
// checked of each signer (permission, teams, when), so a release rebuilt
// after a Redis loss still has it for its merge receipt — also when the
// ledger had to shrink to fit the body. A ledger written without it (older
// sign-offs) restores sign-offs without standing, not an error.
func TestLedgerKeepsSignoffStanding(t *testing.T) {
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	k := release.Key{Owner: "o", Repo: "r", PR: 7}
	st := &release.Standing{Permission: "write", Teams: []string{"security", "business-owners"}, CheckedAt: at.Add(-time.Second)}
	s := release.New(k)
	s.Signoffs = []release.Signoff{{Role: "security", By: "sam", At: at, SHA: "abc", Standing: st}, {Role: "ops", By: "olga", At: at, SHA: "abc"}}
	s.Waivers = map[string]release.Waiver{"x": {By: "ann", At: at, Reason: noise(100000)}}
	key := []byte("secret")
	if n := len(LedgerLine(LedgerOf(s), key)); n <= maxLedger {
		t.Fatalf("the whole ledger is %d bytes: it does not need to shrink", n)
	}
	for name, line := range map[string]string{"whole": LedgerLine(LedgerOf(s), key), "shrunk": boundedLine(LedgerOf(s), key)} {
		if line == "" || (name == "shrunk" && len(line) > maxLedger) {
			t.Fatalf("%s: no ledger line that fits (%d bytes)", name, len(line))
		}
		l, ok, err := ParseLedger(Marker(k)+"\n"+line+"\n", k, key)
		if !ok || err != nil {
			t.Fatalf("%s: ok=%v err=%v", name, ok, err)
		}
		got := release.New(k)
		l.Restore(got)
		if len(got.Signoffs) != 2 {
			t.Fatalf("%s: %d sign-offs restored", name, len(got.Signoffs))
		}
		if d := cmp.Diff(st, got.Signoffs[0].Standing); d != "" {
			t.Errorf("%s: standing (-want +got):\n%s", name, d)
		}
		if got.Signoffs[1].Standing != nil {
			t.Errorf("%s: a sign-off without standing got one: %+v", name, got.Signoffs[1].Standing)
		}
	}
}

// noise is n bytes of text that does not compress (hex of a hash chain).
func noise(n int) string {
	var b strings.Builder
	sum := sha256.Sum256([]byte("seed"))
	for b.Len() < n {
		b.WriteString(hex.EncodeToString(sum[:]))
		sum = sha256.Sum256(sum[:])
	}
	return b.String()[:n]
}
