package app

import (
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"

	"github.com/ag06mixer/golive/internal/receipt"
)

// receiptInfo is the HKDF label of the receipt key: the ledger key is
// derived from the same private key under another label, so neither key
// tells anything of the other.
const receiptInfo = "golive receipt key v1"

// ReceiptSigningKey signs decision receipts (Ed25519): GOLIVE_RECEIPT_KEY, the
// standard base64 of a 32-byte seed, or a seed derived with HKDF-SHA256
// from the App's private key. Without a private key (the demo, tests) it
// is derived from the webhook secret, with a warning. Every replica
// derives the same key; the public half is served at
// /.well-known/golive-receipts.pub.
func (s *Settings) ReceiptSigningKey(log *slog.Logger) (ed25519.PrivateKey, error) {
	switch {
	case s.ReceiptKey != "":
		seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s.ReceiptKey))
		if err != nil || len(seed) != ed25519.SeedSize {
			return nil, fmt.Errorf("GOLIVE_RECEIPT_KEY must be the base64 of %d random bytes (try: openssl rand -base64 32)", ed25519.SeedSize)
		}
		return receipt.KeyFromSeed(seed)
	case len(s.PrivateKey) > 0:
		seed, err := hkdf.Key(sha256.New, s.PrivateKey, nil, receiptInfo, ed25519.SeedSize)
		if err != nil {
			return nil, err
		}
		return receipt.KeyFromSeed(seed)
	}
	log.Warn("no GitHub App private key: decision receipts are signed with a key derived from the webhook secret, fit for the demo and tests only; set GOLIVE_RECEIPT_KEY or the private key")
	seed, err := hkdf.Key(sha256.New, []byte(s.WebhookSecret), []byte("fallback"), receiptInfo, ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	return receipt.KeyFromSeed(seed)
}
