package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/release"
)

func compatLedger() Ledger {
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	return Ledger{Repo: "o/r", PR: 7, OpenedAt: at,
		Manual:   map[string]release.Tick{"x": {By: "ann", At: at, SHA: "abc", Via: "issue"}},
		Signoffs: []release.Signoff{{Role: "security", By: "sam", At: at, SHA: "abc"}}}
}

// An issue written before the ledger was deflated (v2: its JSON in
// base64, signed bare) keeps its decisions.
func TestLedgerV2StillRead(t *testing.T) {
	key, want := []byte("secret"), compatLedger()
	b, _ := json.Marshal(want)
	data := base64.RawURLEncoding.EncodeToString(b)
	body := Marker(release.Key{Owner: "o", Repo: "r", PR: 7}) + "\n<!-- golive:ledger v2 " + data + " " + sign(data, key) + " -->\n"
	got, ok, err := ParseLedger(body, release.Key{Owner: "o", Repo: "r", PR: 7}, key)
	if !ok || err != nil {
		t.Fatalf("v2 ledger: ok=%v err=%v", ok, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("v2 ledger (-want +got):\n%s", diff)
	}
	// A v2 line relabelled v3, or a v3 one relabelled v2, is forged: the
	// version is part of what v3 signs.
	relabelled := strings.Replace(body, " v2 ", " v3 ", 1)
	if _, _, err := ParseLedger(relabelled, release.Key{Owner: "o", Repo: "r", PR: 7}, key); !errors.Is(err, ErrLedgerForged) {
		t.Errorf("v2 relabelled v3: err = %v, want ErrLedgerForged", err)
	}
	v3 := LedgerLine(want, key)
	if _, _, err := ParseLedger(strings.Replace(v3, " v3 ", " v2 ", 1), release.Key{Owner: "o", Repo: "r", PR: 7}, key); !errors.Is(err, ErrLedgerForged) {
		t.Errorf("v3 relabelled v2: err = %v, want ErrLedgerForged", err)
	}
}

// A v3 ledger is deflated: the demo's 112 hand ticks by one comment take
// a fraction of their JSON.
func TestLedgerDeflated(t *testing.T) {
	l := compatLedger()
	l.Manual = map[string]release.Tick{}
	for i := range 112 {
		l.Manual["a-long-item-identifier-"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+string(rune('a'+i/26))] = release.Tick{By: "adam", At: time.Date(2026, 12, 2, 10, 31, 48, 273520315, time.UTC),
			SHA: "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b", Via: "https://github.com/acme/shop/issues/1000#issuecomment-900002"}
	}
	raw, _ := json.Marshal(l)
	line := LedgerLine(l, []byte("k"))
	if len(line)*4 > len(raw) {
		t.Errorf("ledger line is %d characters for %d of JSON: not deflated", len(line), len(raw))
	}
	got, ok, err := ParseLedger(Marker(release.Key{Owner: "o", Repo: "r", PR: 7})+"\n"+line, release.Key{Owner: "o", Repo: "r", PR: 7}, []byte("k"))
	if !ok || err != nil {
		t.Fatalf("ok=%v err=%v", ok, err)
	}
	if diff := cmp.Diff(l, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// A signed ledger that inflates past maxInflated restores nothing, and
// the inflating stops at the bound.
func TestLedgerInflateBounded(t *testing.T) {
	key, k := []byte("k"), release.Key{Owner: "o", Repo: "r", PR: 7}
	big := append([]byte(`{"r":"o/r","p":7,"x":"`), bytes.Repeat([]byte("a"), 2*maxInflated)...)
	big = append(big, `"}`...)
	data := base64.RawURLEncoding.EncodeToString(deflate(big))
	body := Marker(k) + "\n<!-- golive:ledger v3 " + data + " " + sign("v3 "+data, key) + " -->\n"
	l, ok, err := ParseLedger(body, k, key)
	if !ok || !errors.Is(err, errInflated) {
		t.Fatalf("ok=%v err=%v, want errInflated", ok, err)
	}
	if l.Repo != "" {
		t.Errorf("restored %+v", l)
	}
	// Just under the bound still reads.
	fits := append([]byte(`{"r":"o/r","p":7,"x":"`), bytes.Repeat([]byte("a"), maxInflated-40)...)
	fits = append(fits, `"}`...)
	data = base64.RawURLEncoding.EncodeToString(deflate(fits))
	body = Marker(k) + "\n<!-- golive:ledger v3 " + data + " " + sign("v3 "+data, key) + " -->\n"
	if _, _, err := ParseLedger(body, k, key); err != nil {
		t.Errorf("a ledger under the bound: %v", err)
	}
}

// The v3 dictionary never changes: every v3 ledger on GitHub inflates
// only with these bytes.
func TestLedgerDictFrozen(t *testing.T) {
	sum := sha256.Sum256(ledgerDict)
	if got, want := hex.EncodeToString(sum[:]), "b6ca053ed78438e088d8243d5cada4c57d2c5f16066c61eb31739eed2c6896d6"; got != want {
		t.Errorf("ledger.dict has SHA-256 %s, want %s: v3 ledgers already written would no longer inflate", got, want)
	}
}
