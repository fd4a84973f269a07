package server

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Sealer seals small values into cookies: AES-256-GCM, so a cookie is
// both encrypted (the user's GitHub token is inside) and authenticated (a
// changed byte fails to open). The purpose is bound in as associated
// data, so an OAuth state cookie can never pass for a session.
type Sealer struct {
	aead cipher.AEAD
}

// ErrBadCookie means a cookie did not open: tampered with, sealed with
// another key, expired, or not a golive cookie at all.
var ErrBadCookie = errors.New("cookie rejected")

// NewSealer derives the cookie key from secret with HKDF-SHA256, so the
// secret may be any string of enough entropy (at least 32 bytes).
func NewSealer(secret []byte) (*Sealer, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("session secret: want at least 32 bytes, got %d", len(secret))
	}
	key, err := hkdf.Key(sha256.New, secret, nil, "golive dashboard cookies v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts v (as JSON) for purpose.
func (s *Sealer) Seal(purpose string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := s.aead.Seal(nonce, nonce, plain, []byte(purpose))
	return base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts a value sealed for purpose into v.
func (s *Sealer) Open(purpose, sealed string, v any) error {
	// Strict: a changed trailing character must not decode to the same
	// bytes, so every change to the cookie is refused.
	raw, err := base64.RawURLEncoding.Strict().DecodeString(sealed)
	if err != nil || len(raw) < s.aead.NonceSize()+s.aead.Overhead() {
		return ErrBadCookie
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(purpose))
	if err != nil {
		return ErrBadCookie
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return ErrBadCookie
	}
	return nil
}

// Session is a signed-in person, held only in their sealed cookie. The
// server keeps nothing per session but a revocation mark after sign-out.
type Session struct {
	ID     string `json:"sid"`
	Login  string `json:"login"`
	UserID int64  `json:"uid"`
	// Token is the person's GitHub user access token: every page asks
	// GitHub with it whether they may read the repository.
	Token string `json:"tok"`
	// CSRF is the token every state-changing form carries.
	CSRF    string    `json:"csrf"`
	Issued  time.Time `json:"iat"`
	Expires time.Time `json:"exp"`
}

// Valid reports whether the session still holds at now.
func (s Session) Valid(now time.Time) bool {
	return s.ID != "" && s.Login != "" && s.Token != "" && now.Before(s.Expires) && !now.Before(s.Issued.Add(-time.Minute))
}

// loginState is the sealed half of the OAuth state: the state parameter
// GitHub echoes must match it, it works once and for ten minutes, and it
// carries where to go after signing in.
type loginState struct {
	Nonce   string    `json:"n"`
	Next    string    `json:"next"`
	Expires time.Time `json:"exp"`
}

// Cookie purposes, bound into each seal.
const (
	purposeSession = "session"
	purposeState   = "oauth-state"
)

func randomID() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}
