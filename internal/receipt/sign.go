package receipt

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// Signed is a receipt as published: the receipt, its digest (its name),
// the signer's key id and the Ed25519 signature over the receipt's
// canonical bytes. Its own serialization is canonical JSON too.
type Signed struct {
	// Receipt is the receipt's canonical JSON.
	Receipt json.RawMessage `json:"receipt"`
	// Digest is "sha256:" and the hex SHA-256 of Receipt.
	Digest string `json:"digest"`
	// KeyID is "ed25519:" and the first 16 hex digits of the SHA-256 of
	// the public key.
	KeyID string `json:"key_id"`
	// Signature is the standard base64 of ed25519.Sign(key, Receipt).
	Signature string `json:"signature"`
}

// Errors of verification.
var (
	ErrNotCanonical = errors.New("receipt is not in canonical form")
	ErrDigest       = errors.New("receipt digest does not match its content")
	ErrSignature    = errors.New("receipt signature does not verify under the key")
	ErrChain        = errors.New("receipt chain broken")
)

// Sign encodes r canonically and signs it.
func Sign(r Receipt, key ed25519.PrivateKey) (Signed, []byte, error) {
	raw, err := json.Marshal(r)
	if err != nil {
		return Signed{}, nil, fmt.Errorf("encode receipt: %w", err)
	}
	c, err := Canonical(raw)
	if err != nil {
		return Signed{}, nil, err
	}
	s := Signed{Receipt: c, Digest: Digest(c), KeyID: KeyID(key.Public().(ed25519.PublicKey)),
		Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(key, c))}
	b, err := s.Encode()
	return s, b, err
}

// Encode is the signed receipt's canonical JSON: the file an auditor keeps.
func (s Signed) Encode() ([]byte, error) {
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return Canonical(raw)
}

// Digest names canonical receipt bytes: "sha256:" and their hex SHA-256.
func Digest(canonical []byte) string {
	h := sha256.Sum256(canonical)
	return "sha256:" + hex.EncodeToString(h[:])
}

// KeyID names a public key.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return "ed25519:" + hex.EncodeToString(h[:8])
}

// Parse reads a signed receipt file. It must be canonical JSON (surrounding
// whitespace aside), so a changed byte anywhere is caught even where JSON
// would not care.
func Parse(b []byte) (Signed, error) {
	b = bytes.TrimSpace(b)
	c, err := Canonical(b)
	if err != nil {
		return Signed{}, err
	}
	if !bytes.Equal(c, b) {
		return Signed{}, ErrNotCanonical
	}
	var s Signed
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&s); err != nil {
		return Signed{}, fmt.Errorf("read signed receipt: %w", err)
	}
	if len(s.Receipt) == 0 || s.Digest == "" || s.Signature == "" {
		return Signed{}, errors.New("read signed receipt: receipt, digest and signature are required")
	}
	return s, nil
}

// Verify checks s's digest and signature under pub, and returns the
// receipt it holds.
func Verify(s Signed, pub ed25519.PublicKey) (Receipt, error) {
	c, err := Canonical(s.Receipt)
	if err != nil {
		return Receipt{}, err
	}
	if !bytes.Equal(c, s.Receipt) {
		return Receipt{}, ErrNotCanonical
	}
	if Digest(c) != s.Digest {
		return Receipt{}, ErrDigest
	}
	if s.KeyID != KeyID(pub) {
		return Receipt{}, fmt.Errorf("%w: it names key %s, the key given is %s", ErrSignature, s.KeyID, KeyID(pub))
	}
	sig, err := base64.StdEncoding.DecodeString(s.Signature)
	if err != nil || len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, c, sig) {
		return Receipt{}, ErrSignature
	}
	var r Receipt
	d := json.NewDecoder(bytes.NewReader(c))
	d.DisallowUnknownFields()
	if err := d.Decode(&r); err != nil {
		return Receipt{}, fmt.Errorf("read receipt: %w", err)
	}
	if r.Schema != Schema {
		return Receipt{}, fmt.Errorf("receipt schema %q, want %q", r.Schema, Schema)
	}
	return r, nil
}

// VerifyChain checks a release's receipts in order: each verifies, all
// name one release, and each names the one before it as previous (the
// first names none, or from, when the chain is checked from the middle).
func VerifyChain(ss []Signed, pub ed25519.PublicKey, from string) ([]Receipt, error) {
	out := make([]Receipt, 0, len(ss))
	prev := from
	for i, s := range ss {
		r, err := Verify(s, pub)
		if err != nil {
			return out, fmt.Errorf("receipt %d (%s): %w", i+1, s.Digest, err)
		}
		if i > 0 && r.Release != out[0].Release {
			return out, fmt.Errorf("receipt %d is of %s, not %s: %w", i+1, r.Release, out[0].Release, ErrChain)
		}
		if r.Previous != prev {
			return out, fmt.Errorf("receipt %d (%s) names %q as previous, want %q: %w", i+1, s.Digest, r.Previous, prev, ErrChain)
		}
		prev = s.Digest
		out = append(out, r)
	}
	return out, nil
}

// KeyFromSeed makes the signing key from a 32-byte seed.
func KeyFromSeed(seed []byte) (ed25519.PrivateKey, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("receipt key seed is %d bytes, want %d", len(seed), ed25519.SeedSize)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// PublicPEM is the public key as a PEM "PUBLIC KEY" (PKIX), as served at
// /.well-known/golive-receipts.pub and read by openssl.
func PublicPEM(pub ed25519.PublicKey) []byte {
	der, _ := x509.MarshalPKIXPublicKey(pub) // an ed25519 key always marshals
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// ParsePublicKey reads a public key as PEM (PKIX) or as the base64 of its
// 32 bytes.
func ParsePublicKey(b []byte) (ed25519.PublicKey, error) {
	if blk, _ := pem.Decode(b); blk != nil {
		k, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("read public key: %w", err)
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("read public key: a %T, want Ed25519", k)
		}
		return pub, nil
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, errors.New("read public key: want a PEM PUBLIC KEY or the base64 of 32 bytes")
	}
	return ed25519.PublicKey(raw), nil
}
