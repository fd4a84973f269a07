package app

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Settings are golive's resolved settings: what New wires. The command
// line (internal/cli) fills them from flags, GOLIVE_* variables and the
// server config file; tests and the demo fill them directly.
type Settings struct {
	Listen         string
	MetricsAddr    string
	AppID          int64
	PrivateKey     []byte
	PrivateKeyFile string
	WebhookSecret  string
	PrevSecret     string
	GitHubAPI      string
	RedisURL       string
	RedisPrefix    string
	PublicURL      string
	ClientID       string
	ClientSecret   string
	SessionSecret  string
	LedgerKey      string
	ReceiptKey     string
	CredsFile      string
	ProbeAllow     string
	NotifyURL      string
	Probes         bool
	ClaimIdle      time.Duration
	Workers        int
	Coalesce       time.Duration
	Reconcile      time.Duration
	RedeliverEvery time.Duration
	RetryBudget    time.Duration
	Retention      time.Duration
	LogLevel       string
	LogFormat      string
	// InflightMB bounds the megabytes of webhook bodies held at once
	// (0: the server's default, 32).
	InflightMB int
	// ConfigFile is the optional server config file (--config).
	ConfigFile string
	// Poll is how often open dashboard pages ask for changes (tests).
	Poll time.Duration
	// Getenv reads GOLIVE_SECRET_* values for probe headers.
	Getenv func(string) string
}

// Secrets are the webhook secrets a delivery may be signed with: the
// current one, and the previous one while it is rotated out.
func (s *Settings) Secrets() [][]byte {
	out := [][]byte{[]byte(s.WebhookSecret)}
	if s.PrevSecret != "" {
		out = append(out, []byte(s.PrevSecret))
	}
	return out
}

// Dashboard reports whether the dashboard is on, and why not when a half
// of its settings is missing.
func (s *Settings) Dashboard() (bool, error) {
	switch {
	case s.ClientID == "" && s.ClientSecret == "":
		return false, nil
	case s.ClientID == "" || s.ClientSecret == "":
		return false, errors.New("the dashboard needs both GOLIVE_CLIENT_ID and GOLIVE_CLIENT_SECRET: the Client ID and a client secret from your GitHub App's General settings page")
	case s.SessionSecret != "" && len(s.SessionSecret) < 32:
		return false, fmt.Errorf("GOLIVE_SESSION_SECRET must be at least 32 bytes, got %d (try: openssl rand -base64 48)", len(s.SessionSecret))
	}
	return true, nil
}

// SessionKey seals the dashboard's cookies. Unset, it is derived from
// the webhook secret (HKDF with its own label), so a fresh install works;
// rotating the webhook secret then signs everyone out.
func (s *Settings) SessionKey() []byte {
	if s.SessionSecret != "" {
		return []byte(s.SessionSecret)
	}
	sum := sha256.Sum256([]byte("golive session secret from the webhook secret:" + s.WebhookSecret))
	return []byte(hex.EncodeToString(sum[:]))
}

// LedgerSigningKey signs the ledger in tracking issues. It is never the webhook
// secret, whose MACs every tracking issue would otherwise publish for an
// offline guess: GOLIVE_LEDGER_KEY, or a key derived with HKDF-SHA256
// from the App's private key. Without a private key (the demo, tests),
// it is derived from the webhook secret, with a warning.
func (s *Settings) LedgerSigningKey(log *slog.Logger) ([]byte, error) {
	const info = "golive ledger key v1"
	switch {
	case s.LedgerKey != "":
		if len(s.LedgerKey) < 32 {
			return nil, fmt.Errorf("GOLIVE_LEDGER_KEY must be at least 32 bytes, got %d (try: openssl rand -base64 48)", len(s.LedgerKey))
		}
		return []byte(s.LedgerKey), nil
	case len(s.PrivateKey) > 0:
		return hkdf.Key(sha256.New, s.PrivateKey, nil, info, 32)
	}
	log.Warn("no GitHub App private key: the tracking issue ledger is signed with a key derived from the webhook secret, fit for the demo and tests only; set GOLIVE_LEDGER_KEY or the private key")
	return hkdf.Key(sha256.New, []byte(s.WebhookSecret), []byte("fallback"), info, 32)
}

// WebURL is GitHub's web root for an API root: github.com for
// api.github.com, the host itself for GitHub Enterprise Server.
func (s *Settings) WebURL() string {
	u := strings.TrimSuffix(s.GitHubAPI, "/")
	if u == "https://api.github.com" {
		return "https://github.com"
	}
	return strings.TrimSuffix(u, "/api/v3")
}
