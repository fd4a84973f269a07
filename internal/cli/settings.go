package cli

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/githubapi"
)

// settings are the server's settings: flags, each defaulting to its
// GOLIVE_* environment variable (see DESIGN.md and the README).
type settings struct {
	Listen         string
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
	CredsFile      string
	ProbeAllow     string
	Probes         bool
	ClaimIdle      time.Duration
	Workers        int
	Coalesce       time.Duration
	Reconcile      time.Duration
	RetryBudget    time.Duration
	LogLevel       string
	// InflightMB bounds the megabytes of webhook bodies held at once
	// (0: the server's default, 32).
	InflightMB int
	// Poll is how often open dashboard pages ask for changes (tests).
	Poll time.Duration
	// getenv reads GOLIVE_SECRET_* values for probe headers.
	getenv func(string) string
}

// bindSettings declares the server flags on fs with env defaults.
func bindSettings(fs *flag.FlagSet, getenv func(string) string) *settings {
	s := &settings{getenv: getenv}
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	appID, _ := strconv.ParseInt(env("GOLIVE_APP_ID", "0"), 10, 64)
	workers, _ := strconv.Atoi(env("GOLIVE_WORKERS", "8"))
	coalesce, _ := time.ParseDuration(env("GOLIVE_COALESCE", "2s"))
	reconcile, _ := time.ParseDuration(env("GOLIVE_RECONCILE_EVERY", "10m"))
	fs.StringVar(&s.Listen, "listen", env("GOLIVE_LISTEN", ":8080"), "`address` to serve on (GOLIVE_LISTEN)")
	fs.Int64Var(&s.AppID, "app-id", appID, "GitHub App `id` (GOLIVE_APP_ID)")
	fs.StringVar(&s.PrivateKeyFile, "private-key-file", env("GOLIVE_PRIVATE_KEY_FILE", ""), "GitHub App private key PEM `file` (GOLIVE_PRIVATE_KEY_FILE; or the PEM itself in GOLIVE_PRIVATE_KEY)")
	fs.StringVar(&s.WebhookSecret, "webhook-secret", env("GOLIVE_WEBHOOK_SECRET", ""), "webhook `secret` (GOLIVE_WEBHOOK_SECRET)")
	fs.StringVar(&s.PrevSecret, "webhook-secret-previous", env("GOLIVE_WEBHOOK_SECRET_PREVIOUS", ""), "the `secret` being rotated out, still accepted (GOLIVE_WEBHOOK_SECRET_PREVIOUS)")
	fs.StringVar(&s.GitHubAPI, "github-api-url", env("GOLIVE_GITHUB_API_URL", "https://api.github.com/"), "GitHub REST API root `URL` (GOLIVE_GITHUB_API_URL; GitHub Enterprise Server: https://HOST/api/v3/)")
	fs.StringVar(&s.RedisURL, "redis-url", env("GOLIVE_REDIS_URL", ""), "Redis `URL`: redis://, rediss://, redis+sentinel:// or redis+cluster:// (GOLIVE_REDIS_URL; unset: an embedded in-memory Redis, not durable)")
	fs.StringVar(&s.RedisPrefix, "redis-prefix", env("GOLIVE_REDIS_PREFIX", "golive"), "`prefix` of every Redis key, to share one Redis between deployments (GOLIVE_REDIS_PREFIX)")
	fs.StringVar(&s.PublicURL, "public-url", env("GOLIVE_PUBLIC_URL", ""), "the `URL` golive is reached at, for links (GOLIVE_PUBLIC_URL)")
	fs.StringVar(&s.ClientID, "client-id", env("GOLIVE_CLIENT_ID", ""), "the App's OAuth client `id`, for the dashboard's GitHub sign-in (GOLIVE_CLIENT_ID; unset: no dashboard)")
	fs.StringVar(&s.ClientSecret, "client-secret", env("GOLIVE_CLIENT_SECRET", ""), "the App's OAuth client `secret` (GOLIVE_CLIENT_SECRET)")
	fs.StringVar(&s.SessionSecret, "session-secret", env("GOLIVE_SESSION_SECRET", ""), "`secret` of at least 32 bytes that seals dashboard cookies, the same on every replica (GOLIVE_SESSION_SECRET; unset: derived from the webhook secret)")
	fs.StringVar(&s.LedgerKey, "ledger-key", env("GOLIVE_LEDGER_KEY", ""), "`secret` of at least 32 bytes that signs the ledger in tracking issues, the same on every replica (GOLIVE_LEDGER_KEY; unset: derived from the App's private key)")
	fs.StringVar(&s.CredsFile, "credentials-file", env("GOLIVE_CREDENTIALS_FILE", "golive-credentials.json"), "`file` the /setup page saves the new App's credentials to, and serve reads them from (GOLIVE_CREDENTIALS_FILE)")
	fs.StringVar(&s.ProbeAllow, "probe-allow", env("GOLIVE_PROBE_ALLOW", ""), "comma-separated `hosts and CIDRs` probes may reach although private, loopback or link-local (GOLIVE_PROBE_ALLOW)")
	claimIdle, _ := time.ParseDuration(env("GOLIVE_CLAIM_IDLE", "1m"))
	fs.BoolVar(&s.Probes, "probes", env("GOLIVE_PROBES", "on") != "off", "run probes of live endpoints (GOLIVE_PROBES=off disables them)")
	fs.DurationVar(&s.ClaimIdle, "claim-idle", claimIdle, "how long a delivery may sit with a replica that stopped before another takes it (GOLIVE_CLAIM_IDLE)")
	fs.IntVar(&s.Workers, "workers", workers, "concurrent queue `handlers` per replica (GOLIVE_WORKERS)")
	fs.DurationVar(&s.Coalesce, "coalesce", coalesce, "quiet `time` before a release's GitHub objects are rewritten (GOLIVE_COALESCE)")
	fs.DurationVar(&s.Reconcile, "reconcile-every", reconcile, "`period` of the sweep that repairs missed webhooks (GOLIVE_RECONCILE_EVERY)")
	retryBudget, _ := time.ParseDuration(env("GOLIVE_RETRY_BUDGET", "1h"))
	fs.DurationVar(&s.RetryBudget, "retry-budget", retryBudget, "how long after its first try a failing delivery is retried before it goes to the dead letters (GOLIVE_RETRY_BUDGET)")
	inflight, _ := strconv.Atoi(env("GOLIVE_WEBHOOK_INFLIGHT_MB", "32"))
	fs.IntVar(&s.InflightMB, "webhook-inflight-mb", inflight, "`megabytes` of webhook bodies held in memory at once, over all requests; more wait, then get 503 (GOLIVE_WEBHOOK_INFLIGHT_MB)")
	fs.StringVar(&s.LogLevel, "log-level", env("GOLIVE_LOG_LEVEL", "info"), "`level`: debug, info, warn, error (GOLIVE_LOG_LEVEL)")
	s.PrivateKey = []byte(getenv("GOLIVE_PRIVATE_KEY"))
	return s
}

// errNoCredentials means none of the App's credentials are set: serve
// offers the /setup page instead of refusing.
var errNoCredentials = errors.New("no GitHub App credentials")

// check reports every missing credential, each with where to get it.
func (s *settings) check() error {
	if err := s.loadCredentials(); err != nil {
		return err
	}
	if s.WebhookSecret == "" && s.AppID == 0 && len(s.PrivateKey) == 0 && s.PrivateKeyFile == "" {
		return errNoCredentials
	}
	var missing []string
	if s.WebhookSecret == "" {
		missing = append(missing, "the webhook secret: set GOLIVE_WEBHOOK_SECRET (or --webhook-secret) to the secret in your GitHub App's settings, under Webhook")
	}
	if s.AppID == 0 {
		missing = append(missing, "the App id: set GOLIVE_APP_ID (or --app-id) to the App ID shown on your GitHub App's General settings page")
	}
	if len(s.PrivateKey) == 0 && s.PrivateKeyFile == "" {
		missing = append(missing, "the private key: generate one under 'Private keys' in your GitHub App's settings and set GOLIVE_PRIVATE_KEY_FILE (or --private-key-file) to the .pem file, or GOLIVE_PRIVATE_KEY to its contents")
	}
	if len(missing) > 0 {
		return fmt.Errorf("cannot serve without\n  - %s", strings.Join(missing, "\n  - "))
	}
	if len(s.PrivateKey) == 0 {
		b, err := os.ReadFile(s.PrivateKeyFile)
		if err != nil {
			return fmt.Errorf("read the private key: %w", err)
		}
		s.PrivateKey = b
	}
	if err := checkSecrets(s.WebhookSecret, s.PrevSecret); err != nil {
		return err
	}
	if s.InflightMB < 0 {
		return fmt.Errorf("--webhook-inflight-mb (GOLIVE_WEBHOOK_INFLIGHT_MB) must be at least 1, got %d", s.InflightMB)
	}
	if s.Workers < 1 {
		return fmt.Errorf("--workers must be at least 1, got %d", s.Workers)
	}
	return nil
}

// MinSecret is the shortest webhook secret golive accepts: a shorter one
// can be guessed offline from any signed delivery.
const MinSecret = 16

// checkSecrets refuses webhook secrets too short to resist a guess.
func checkSecrets(current, previous string) error {
	if len(current) < MinSecret {
		return fmt.Errorf("GOLIVE_WEBHOOK_SECRET (--webhook-secret) must be at least %d bytes, got %d: set a random secret (try: openssl rand -hex 32) here and in your GitHub App's settings, under Webhook", MinSecret, len(current))
	}
	if previous != "" && len(previous) < MinSecret {
		return fmt.Errorf("GOLIVE_WEBHOOK_SECRET_PREVIOUS (--webhook-secret-previous) must be at least %d bytes, got %d: a short secret is no safer for being on its way out", MinSecret, len(previous))
	}
	return nil
}

func (s *settings) secrets() [][]byte {
	out := [][]byte{[]byte(s.WebhookSecret)}
	if s.PrevSecret != "" {
		out = append(out, []byte(s.PrevSecret))
	}
	return out
}

// SettingsEnv lists the GOLIVE_* environment variables the server reads;
// deploy/ manifests may set only these (a test checks).
func SettingsEnv() []string {
	var names []string
	getenv := func(name string) string {
		names = append(names, name)
		return ""
	}
	bindSettings(flag.NewFlagSet("env", flag.ContinueOnError), getenv)
	return names
}

// loadCredentials fills what the settings lack from the credentials file
// the /setup page wrote, if there is one.
func (s *settings) loadCredentials() error {
	if s.CredsFile == "" {
		return nil
	}
	b, err := os.ReadFile(s.CredsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", s.CredsFile, err)
	}
	var c githubapi.AppCredentials
	if err := json.Unmarshal(b, &c); err != nil {
		return fmt.Errorf("read %s: %w", s.CredsFile, err)
	}
	if s.AppID == 0 {
		s.AppID = c.AppID
	}
	if len(s.PrivateKey) == 0 && s.PrivateKeyFile == "" {
		s.PrivateKey = []byte(c.PrivateKey)
	}
	if s.WebhookSecret == "" {
		s.WebhookSecret = c.WebhookSecret
	}
	if s.ClientID == "" && s.ClientSecret == "" {
		s.ClientID, s.ClientSecret = c.ClientID, c.ClientSecret
	}
	return nil
}

// dashboard reports whether the dashboard is on, and why not when a half
// of its settings is missing.
func (s *settings) dashboard() (bool, error) {
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

// sessionSecret seals the dashboard's cookies. Unset, it is derived from
// the webhook secret (HKDF with its own label), so a fresh install works;
// rotating the webhook secret then signs everyone out.
func (s *settings) sessionSecret() []byte {
	if s.SessionSecret != "" {
		return []byte(s.SessionSecret)
	}
	sum := sha256.Sum256([]byte("golive session secret from the webhook secret:" + s.WebhookSecret))
	return []byte(hex.EncodeToString(sum[:]))
}

// ledgerKey signs the ledger in tracking issues. It is never the webhook
// secret, whose MACs every tracking issue would otherwise publish for an
// offline guess: GOLIVE_LEDGER_KEY, or a key derived with HKDF-SHA256
// from the App's private key. Without a private key (the demo, tests),
// it is derived from the webhook secret, with a warning.
func (s *settings) ledgerKey(log *slog.Logger) ([]byte, error) {
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

// saveCredentials writes the new App's credentials where only this user
// can read them, and never over an existing file.
func (s *settings) saveCredentials(creds any) error {
	b, err := json.MarshalIndent(creds, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.OpenFile(s.CredsFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// webURL is GitHub's web root for an API root: github.com for
// api.github.com, the host itself for GitHub Enterprise Server.
func (s *settings) webURL() string {
	u := strings.TrimSuffix(s.GitHubAPI, "/")
	if u == "https://api.github.com" {
		return "https://github.com"
	}
	return strings.TrimSuffix(u, "/api/v3")
}
