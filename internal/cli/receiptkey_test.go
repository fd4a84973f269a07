package cli

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"io"
	"log/slog"
	"testing"
)

// TestReceiptKey: GOLIVE_RECEIPT_KEY is a 32-byte seed; unset, the key is
// derived from the App's private key, under a label of its own (the
// ledger key, from the same private key, is another key), and the same on
// every replica.
func TestReceiptKey(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pem := []byte("-----BEGIN RSA PRIVATE KEY-----\nnot a real key, only bytes to derive from\n-----END RSA PRIVATE KEY-----\n")
	a, err := (&settings{WebhookSecret: testSecret, PrivateKey: pem}).receiptKey(log)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := (&settings{WebhookSecret: "another secret entirely", PrivateKey: pem}).receiptKey(log)
	if !a.Equal(b) {
		t.Error("two replicas with one private key derived two receipt keys")
	}
	ledger, _ := (&settings{WebhookSecret: testSecret, PrivateKey: pem}).ledgerKey(log)
	if bytes.Equal(a.Seed(), ledger) {
		t.Error("the receipt key's seed is the ledger key")
	}
	fallback, _ := (&settings{WebhookSecret: testSecret}).receiptKey(log)
	if fallback.Equal(a) {
		t.Error("the fallback key equals the private key's")
	}
	seed := bytes.Repeat([]byte{9}, ed25519.SeedSize)
	set, err := (&settings{PrivateKey: pem, ReceiptKey: base64.StdEncoding.EncodeToString(seed)}).receiptKey(log)
	if err != nil || !set.Equal(ed25519.NewKeyFromSeed(seed)) {
		t.Errorf("GOLIVE_RECEIPT_KEY not used: %v", err)
	}
	for _, bad := range []string{"short", base64.StdEncoding.EncodeToString(seed[:16]), "!!!not base64!!!"} {
		if _, err := (&settings{PrivateKey: pem, ReceiptKey: bad}).receiptKey(log); err == nil {
			t.Errorf("GOLIVE_RECEIPT_KEY %q accepted", bad)
		}
	}
}
