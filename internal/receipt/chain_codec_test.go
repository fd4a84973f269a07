package receipt

import (
	"crypto/ed25519"
	"encoding/json"
	"testing"
)

// A receipt whose text holds <, > or & (a metric's "want < 0.01", a PR
// titled "Release <2.4> & co") still verifies after golive keeps its
// release's chain in Redis and reads it back, and so does a copy written
// with encoding/json's HTML escapes, as golive wrote them before.
func TestChainCodecKeepsSignedBytes(t *testing.T) {
	c := defaultConfig(t)
	s := fullRelease(t, c)
	s.Title = "Release <2.4> & co"
	key := testKey(t, 7)
	sg, _, _ := signed(t, c, s, Point{Kind: KindMerge, ID: "merge", At: s.MergedAt}, facts(), key)
	if _, err := Verify(sg, key.Public().(ed25519.PublicKey)); err != nil {
		t.Fatalf("fresh receipt: %v", err)
	}
	pub := key.Public()
	b, err := EncodeChain([]Signed{sg})
	if err != nil {
		t.Fatal(err)
	}
	escaped, _ := json.Marshal([]Signed{sg}) // \u003c, \u003e, \u0026
	for name, raw := range map[string][]byte{"EncodeChain": b, "encoding/json": escaped} {
		chain, err := DecodeChain(raw)
		if err != nil || len(chain) != 1 {
			t.Fatalf("%s: decode: %v (%d receipts)", name, err, len(chain))
		}
		if _, err := Verify(chain[0], pub.(ed25519.PublicKey)); err != nil {
			t.Errorf("%s: the receipt read back does not verify: %v", name, err)
		}
	}
	// The encoding/json copy read as it is does not verify: the case the
	// codec exists for.
	var plain []Signed
	if err := json.Unmarshal(escaped, &plain); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(plain[0], pub.(ed25519.PublicKey)); err == nil {
		t.Fatal("an HTML-escaped copy verified as it is: the test no longer shows the escape problem")
	}
}
