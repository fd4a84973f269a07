package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/ag06mixer/golive/internal/app"
	"github.com/ag06mixer/golive/internal/githubapi"
)

// settings are the server's settings as the command line gives them:
// app.Settings, bound to flags, GOLIVE_* variables and the config file.
// Each is read from, in order of precedence: its flag, its GOLIVE_*
// environment variable, the server config file (--config), its default.
// Every value is parsed strictly: a bad one stops the command with the
// setting's name and the value.
type settings struct {
	app.Settings

	// Filled by bindSettings, used by finish: the settings bound, those
	// the environment set, and the environment's bad values.
	fs      *flag.FlagSet
	bound   []setting
	fromEnv map[string]bool
	errs    []error
}

// setting is one server setting. Its flag and its key in the config file
// are its environment variable's name without GOLIVE_, in lower case
// with dashes (GOLIVE_APP_ID: --app-id, app-id:).
type setting struct {
	env   string
	def   string
	usage string
	// secret settings never have their value echoed in an error.
	secret bool
	// noFlag settings are read from the environment and the file only
	// (a private key on a command line would show in ps).
	noFlag bool
	value  func(s *settings) flag.Value
}

// key is the setting's flag name and config-file key.
func (d setting) key() string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(d.env, "GOLIVE_")), "_", "-")
}

// settingSpecs lists every server setting. To add one: a field above, a
// line here, a line in docs/operations.md.
func settingSpecs() []setting {
	return []setting{
		{env: "GOLIVE_CONFIG", usage: "server config `file` (YAML) with any of these settings, keyed by flag name; flags and the environment win over it", value: func(s *settings) flag.Value { return (*stringValue)(&s.ConfigFile) }},
		{env: "GOLIVE_LISTEN", def: ":8080", usage: "`address` to serve webhooks and the dashboard on", value: func(s *settings) flag.Value { return &addrValue{p: &s.Listen} }},
		{env: "GOLIVE_METRICS_ADDR", def: ":9090", usage: "`address` to serve /metrics on, apart from the webhook port (off: no metrics listener)", value: func(s *settings) flag.Value { return &addrValue{p: &s.MetricsAddr, off: true} }},
		{env: "GOLIVE_APP_ID", def: "0", usage: "GitHub App `id`", value: func(s *settings) flag.Value { return (*int64Value)(&s.AppID) }},
		{env: "GOLIVE_PRIVATE_KEY", noFlag: true, secret: true, usage: "the App's private key: PEM, PEM with \\n escapes, or base64 of PEM", value: func(s *settings) flag.Value { return (*keyValue)(&s.PrivateKey) }},
		{env: "GOLIVE_PRIVATE_KEY_FILE", usage: "GitHub App private key PEM `file` (or the PEM itself in GOLIVE_PRIVATE_KEY)", value: func(s *settings) flag.Value { return (*stringValue)(&s.PrivateKeyFile) }},
		{env: "GOLIVE_WEBHOOK_SECRET", secret: true, usage: "webhook `secret`", value: func(s *settings) flag.Value { return (*stringValue)(&s.WebhookSecret) }},
		{env: "GOLIVE_WEBHOOK_SECRET_PREVIOUS", secret: true, usage: "the `secret` being rotated out, still accepted", value: func(s *settings) flag.Value { return (*stringValue)(&s.PrevSecret) }},
		{env: "GOLIVE_GITHUB_API_URL", def: "https://api.github.com/", usage: "GitHub REST API root `URL` (GitHub Enterprise Server: https://HOST/api/v3/)", value: func(s *settings) flag.Value { return (*urlValue)(&s.GitHubAPI) }},
		{env: "GOLIVE_REDIS_URL", secret: true, usage: "Redis `URL`: redis://, rediss://, redis+sentinel:// or redis+cluster:// (unset: an embedded in-memory Redis, not durable)", value: func(s *settings) flag.Value { return (*stringValue)(&s.RedisURL) }},
		{env: "GOLIVE_REDIS_PREFIX", def: "golive", usage: "`prefix` of every Redis key, to share one Redis between deployments", value: func(s *settings) flag.Value { return (*stringValue)(&s.RedisPrefix) }},
		{env: "GOLIVE_PUBLIC_URL", usage: "the `URL` golive is reached at, for links", value: func(s *settings) flag.Value { return (*urlValue)(&s.PublicURL) }},
		{env: "GOLIVE_CLIENT_ID", usage: "the App's OAuth client `id`, for the dashboard's GitHub sign-in (unset: no dashboard)", value: func(s *settings) flag.Value { return (*stringValue)(&s.ClientID) }},
		{env: "GOLIVE_CLIENT_SECRET", secret: true, usage: "the App's OAuth client `secret`", value: func(s *settings) flag.Value { return (*stringValue)(&s.ClientSecret) }},
		{env: "GOLIVE_SESSION_SECRET", secret: true, usage: "`secret` of at least 32 bytes that seals dashboard cookies, the same on every replica (unset: derived from the webhook secret)", value: func(s *settings) flag.Value { return (*stringValue)(&s.SessionSecret) }},
		{env: "GOLIVE_LEDGER_KEY", secret: true, usage: "`secret` of at least 32 bytes that signs the ledger in tracking issues, the same on every replica (unset: derived from the App's private key)", value: func(s *settings) flag.Value { return (*stringValue)(&s.LedgerKey) }},
		{env: "GOLIVE_RECEIPT_KEY", secret: true, usage: "base64 of a 32-byte `seed` of the Ed25519 key that signs decision receipts, the same on every replica (unset: derived from the App's private key)", value: func(s *settings) flag.Value { return (*stringValue)(&s.ReceiptKey) }},
		{env: "GOLIVE_CREDENTIALS_FILE", def: "golive-credentials.json", usage: "`file` the /setup page saves the new App's credentials to, and serve reads them from; its directory must be writable while there are none", value: func(s *settings) flag.Value { return (*stringValue)(&s.CredsFile) }},
		{env: "GOLIVE_PROBE_ALLOW", usage: "comma-separated `hosts and CIDRs` probes may reach although private, loopback or link-local", value: func(s *settings) flag.Value { return (*stringValue)(&s.ProbeAllow) }},
		{env: "GOLIVE_PROBES", def: "on", usage: "run probes of live endpoints: on/off, true/false, 1/0", value: func(s *settings) flag.Value { return (*boolValue)(&s.Probes) }},
		{env: "GOLIVE_NOTIFY_URL", secret: true, usage: "incoming-webhook `URL` (Slack's message format) that release events are posted to: ready, blocked on a sign-off, at risk, merged (unset: none)", value: func(s *settings) flag.Value { return (*stringValue)(&s.NotifyURL) }},
		{env: "GOLIVE_CLAIM_IDLE", def: "1m", usage: "`time` a delivery may sit with a replica that stopped before another takes it", value: func(s *settings) flag.Value { return (*durationValue)(&s.ClaimIdle) }},
		{env: "GOLIVE_WORKERS", def: "8", usage: "concurrent queue `handlers` per replica", value: func(s *settings) flag.Value { return &intValue{p: &s.Workers, min: 1} }},
		{env: "GOLIVE_COALESCE", def: "2s", usage: "quiet `time` before a release's GitHub objects are rewritten, with a unit (2s, 500ms)", value: func(s *settings) flag.Value { return (*durationValue)(&s.Coalesce) }},
		{env: "GOLIVE_RECONCILE_EVERY", def: "10m", usage: "`period` of the sweep that repairs missed webhooks", value: func(s *settings) flag.Value { return (*durationValue)(&s.Reconcile) }},
		{env: "GOLIVE_REDELIVER_EVERY", def: "5m", usage: "`period` of the sweep that asks GitHub to redeliver what golive did not take; 0 turns it off", value: func(s *settings) flag.Value { return (*durationValue)(&s.RedeliverEvery) }},
		{env: "GOLIVE_RETRY_BUDGET", def: "1h", usage: "`time` after its first try that a failing delivery is retried, with full jitter, before it goes to the dead letters", value: func(s *settings) flag.Value { return (*durationValue)(&s.RetryBudget) }},
		{env: "GOLIVE_RETENTION", def: "336h", usage: "`time` a release's record (probe history, dedupe ids) is kept in Redis after its last post-go-live window closed, or after its PR was closed unmerged", value: func(s *settings) flag.Value { return (*durationValue)(&s.Retention) }},
		{env: "GOLIVE_WEBHOOK_INFLIGHT_MB", def: "32", usage: "`megabytes` of webhook bodies held in memory at once, over all requests; more wait, then get 503", value: func(s *settings) flag.Value { return &intValue{p: &s.InflightMB, min: 1} }},
		{env: "GOLIVE_LOG_LEVEL", def: "info", usage: "`level`: debug, info, warn, error", value: func(s *settings) flag.Value {
			return &choiceValue{p: &s.LogLevel, choices: []string{"debug", "info", "warn", "error"}}
		}},
		{env: "GOLIVE_LOG_FORMAT", def: "json", usage: "log `format`: json, or text for a terminal", value: func(s *settings) flag.Value {
			return &choiceValue{p: &s.LogFormat, choices: []string{"json", "text"}}
		}},
	}
}

// Settings each command reads; serve reads them all.
var (
	redisSettings = []string{"GOLIVE_CONFIG", "GOLIVE_REDIS_URL", "GOLIVE_REDIS_PREFIX", "GOLIVE_LOG_LEVEL", "GOLIVE_LOG_FORMAT"}
	appSettings   = []string{"GOLIVE_CONFIG", "GOLIVE_APP_ID", "GOLIVE_PRIVATE_KEY", "GOLIVE_PRIVATE_KEY_FILE", "GOLIVE_GITHUB_API_URL", "GOLIVE_CREDENTIALS_FILE"}
	// reconcile runs no server: no listeners, no dashboard, no queue.
	reconcileSettings = allSettingsExcept("GOLIVE_LISTEN", "GOLIVE_METRICS_ADDR", "GOLIVE_WEBHOOK_INFLIGHT_MB", "GOLIVE_PUBLIC_URL",
		"GOLIVE_CLIENT_ID", "GOLIVE_CLIENT_SECRET", "GOLIVE_SESSION_SECRET", "GOLIVE_WEBHOOK_SECRET_PREVIOUS", "GOLIVE_CLAIM_IDLE",
		"GOLIVE_COALESCE", "GOLIVE_RECONCILE_EVERY", "GOLIVE_REDELIVER_EVERY")
)

func allSettingsExcept(names ...string) []string {
	var out []string
	for _, d := range settingSpecs() {
		if !slices.Contains(names, d.env) {
			out = append(out, d.env)
		}
	}
	return out
}

// bindSettings declares the settings named by only (all of them when
// none is named) as flags on fs, each set from its default and then its
// environment variable. A bad environment value is kept for finish to
// report, with every other one.
func bindSettings(fs *flag.FlagSet, getenv func(string) string, only ...string) *settings {
	s := &settings{fs: fs, fromEnv: map[string]bool{}}
	s.Getenv = getenv
	for _, d := range settingSpecs() {
		if len(only) > 0 && !slices.Contains(only, d.env) {
			continue
		}
		s.bound = append(s.bound, d)
		v := d.value(s)
		if err := v.Set(d.def); err != nil {
			panic(fmt.Sprintf("default of %s: %v", d.env, err))
		}
		// Declared before the environment is read: help shows the
		// default, never the environment's value (a secret, maybe).
		if !d.noFlag {
			fs.Var(v, d.key(), d.usage+" ("+d.env+")")
		}
		if raw := getenv(d.env); raw != "" {
			s.fromEnv[d.env] = true
			if err := v.Set(raw); err != nil {
				s.errs = append(s.errs, badSetting(d, d.env, raw, err))
			}
		}
	}
	return s
}

// badSetting names the setting and, unless it is a secret, the value.
func badSetting(d setting, where, raw string, err error) error {
	if d.secret {
		return fmt.Errorf("%s: %v", where, err)
	}
	return fmt.Errorf("%s=%q: %v", where, raw, err)
}

// finish applies the config file under the flags and the environment,
// and reports every bad value at once. Commands call it after parsing
// their flags (check does).
func (s *settings) finish() error {
	if s.fs == nil {
		return nil // built in code (tests, the demo), not from flags
	}
	if s.ConfigFile != "" {
		set := map[string]bool{}
		s.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if err := s.applyFile(s.ConfigFile, func(d setting) bool { return !set[d.key()] && !s.fromEnv[d.env] }); err != nil {
			s.errs = append(s.errs, err)
		}
	}
	s.fs = nil // once
	return errors.Join(s.errs...)
}

// errNoCredentials means none of the App's credentials are set: serve
// offers the /setup page instead of refusing.
var errNoCredentials = errors.New("no GitHub App credentials: set GOLIVE_APP_ID, GOLIVE_PRIVATE_KEY_FILE (or GOLIVE_PRIVATE_KEY) and GOLIVE_WEBHOOK_SECRET; golive serve's /setup page creates an App and saves them")

// check reports every missing credential, each with where to get it.
func (s *settings) check() error {
	if err := s.finish(); err != nil {
		return err
	}
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
		if s.PrivateKey, err = decodeKey(string(b)); err != nil {
			return fmt.Errorf("GOLIVE_PRIVATE_KEY_FILE %s: %w", s.PrivateKeyFile, err)
		}
	}
	if err := checkSecrets(s.WebhookSecret, s.PrevSecret); err != nil {
		return err
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

// SettingsEnv lists the GOLIVE_* environment variables the server reads;
// deploy/ manifests may set only these (a test checks).
func SettingsEnv() []string {
	var names []string
	for _, d := range settingSpecs() {
		names = append(names, d.env)
	}
	return names
}

// loadCredentials fills what the settings lack from the credentials file
// the /setup page wrote, if there is one.
func (s *settings) loadCredentials() error {
	if s.CredsFile == "" {
		return nil
	}
	b, err := os.ReadFile(s.CredsFile)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil // none yet: serve offers /setup, which checks it can write there
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
