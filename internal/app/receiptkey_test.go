package app

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
	a, err := (&Settings{WebhookSecret: "e2e-secret-0123456789", PrivateKey: pem}).ReceiptSigningKey(log)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := (&Settings{WebhookSecret: "another secret entirely", PrivateKey: pem}).ReceiptSigningKey(log)
	if !a.Equal(b) {
		t.Error("two replicas with one private key derived two receipt keys")
	}
	ledger, _ := (&Settings{WebhookSecret: "e2e-secret-0123456789", PrivateKey: pem}).LedgerSigningKey(log)
	if bytes.Equal(a.Seed(), ledger) {
		t.Error("the receipt key's seed is the ledger key")
	}
	fallback, _ := (&Settings{WebhookSecret: "e2e-secret-0123456789"}).ReceiptSigningKey(log)
	if fallback.Equal(a) {
		t.Error("the fallback key equals the private key's")
	}
	seed := bytes.Repeat([]byte{9}, ed25519.SeedSize)
	set, err := (&Settings{PrivateKey: pem, ReceiptKey: base64.StdEncoding.EncodeToString(seed)}).ReceiptSigningKey(log)
	if err != nil || !set.Equal(ed25519.NewKeyFromSeed(seed)) {
		t.Errorf("GOLIVE_RECEIPT_KEY not used: %v", err)
	}
	for _, bad := range []string{"short", base64.StdEncoding.EncodeToString(seed[:16]), "!!!not base64!!!"} {
		if _, err := (&Settings{PrivateKey: pem, ReceiptKey: bad}).ReceiptSigningKey(log); err == nil {
			t.Errorf("GOLIVE_RECEIPT_KEY %q accepted", bad)
		}
	}
}
