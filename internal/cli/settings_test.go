package cli

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSettingsRefuseBadValues: every setting that parses a value refuses
// bad ones, naming the setting and (unless it is a secret) the value.
func TestSettingsRefuseBadValues(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		env, value, want string
	}{
		{"GOLIVE_APP_ID", "abc", "not a number"},
		{"GOLIVE_APP_ID", "-3", "must not be negative"},
		{"GOLIVE_APP_ID", "1.5", "not a number"},
		{"GOLIVE_WORKERS", "0", "at least 1"},
		{"GOLIVE_WORKERS", "many", "not a number"},
		{"GOLIVE_WEBHOOK_INFLIGHT_MB", "0", "at least 1"},
		{"GOLIVE_WEBHOOK_INFLIGHT_MB", "32MB", "not a number"},
		{"GOLIVE_COALESCE", "5", "needs a unit, as in 5s"},
		{"GOLIVE_COALESCE", "-1s", "must not be negative"},
		{"GOLIVE_COALESCE", "soon", "not a duration"},
		{"GOLIVE_CLAIM_IDLE", "60", "needs a unit"},
		{"GOLIVE_RECONCILE_EVERY", "hourly", "not a duration"},
		{"GOLIVE_PROBES", "maybe", "not a boolean"},
		{"GOLIVE_LOG_LEVEL", "verbose", "not one of debug, info, warn, error"},
		{"GOLIVE_LOG_FORMAT", "xml", "not one of json, text"},
		{"GOLIVE_GITHUB_API_URL", "not-a-url", "not an http:// or https:// URL"},
		{"GOLIVE_GITHUB_API_URL", "ftp://github.example/", "not an http:// or https:// URL"},
		{"GOLIVE_GITHUB_API_URL", "https:///api/v3", "needs a host"},
		{"GOLIVE_GITHUB_API_URL", "https://u:p@github.example/", "no user or password"},
		{"GOLIVE_PUBLIC_URL", "golive.example", "not an http:// or https:// URL"},
		{"GOLIVE_PUBLIC_URL", "https://golive.example/?x=1", "no query"},
		{"GOLIVE_LISTEN", "8080", "not an address"},
		{"GOLIVE_LISTEN", ":http-ish", "not a port number"},
		{"GOLIVE_METRICS_ADDR", "9090", "not an address"},
		{"GOLIVE_METRICS_ADDR", ":99999", "not a port number"},
	} {
		t.Run(c.env+"="+c.value, func(t *testing.T) {
			err := bindSettings(flag.NewFlagSet("t", flag.ContinueOnError), func(k string) string {
				if k == c.env {
					return c.value
				}
				return ""
			}).finish()
			if err == nil {
				t.Fatalf("%s=%s accepted", c.env, c.value)
			}
			prefix := c.env + "=" + `"` + c.value + `"`
			if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %q, want %q …%s", err, prefix, c.want)
			}
		})
	}
}

// TestSettingsSecretsNotEchoed: a bad secret's error names the setting
// but not the value.
func TestSettingsSecretsNotEchoed(t *testing.T) {
	t.Parallel()
	err := bindSettings(flag.NewFlagSet("t", flag.ContinueOnError), func(k string) string {
		if k == "GOLIVE_PRIVATE_KEY" {
			return "hunter2-is-not-a-key"
		}
		return ""
	}).finish()
	if err == nil || !strings.HasPrefix(err.Error(), "GOLIVE_PRIVATE_KEY: ") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("got %v, want GOLIVE_PRIVATE_KEY named and its value not shown", err)
	}
}

// TestSettingsAllBadAtOnce: every bad value is reported in one pass.
func TestSettingsAllBadAtOnce(t *testing.T) {
	t.Parallel()
	env := map[string]string{"GOLIVE_APP_ID": "abc", "GOLIVE_COALESCE": "5", "GOLIVE_LOG_LEVEL": "verbose"}
	err := bindSettings(flag.NewFlagSet("t", flag.ContinueOnError), func(k string) string { return env[k] }).check()
	if err == nil {
		t.Fatal("accepted")
	}
	for k := range env {
		if !strings.Contains(err.Error(), k) {
			t.Errorf("%v does not name %s", err, k)
		}
	}
	if strings.Contains(err.Error(), "cannot serve without") {
		t.Errorf("a bad App id is reported as missing: %v", err)
	}
}

// TestSettingsGoodValues: what the settings accept, and what it means.
func TestSettingsGoodValues(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		env, value string
		got        func(s *settings) any
		want       any
	}{
		{"GOLIVE_PROBES", "false", func(s *settings) any { return s.Probes }, false},
		{"GOLIVE_PROBES", "0", func(s *settings) any { return s.Probes }, false},
		{"GOLIVE_PROBES", "OFF", func(s *settings) any { return s.Probes }, false},
		{"GOLIVE_PROBES", "1", func(s *settings) any { return s.Probes }, true},
		{"GOLIVE_PROBES", "", func(s *settings) any { return s.Probes }, true},
		{"GOLIVE_COALESCE", "5s", func(s *settings) any { return s.Coalesce }, 5 * time.Second},
		{"GOLIVE_COALESCE", "0", func(s *settings) any { return s.Coalesce }, time.Duration(0)},
		{"GOLIVE_COALESCE", "", func(s *settings) any { return s.Coalesce }, 2 * time.Second},
		{"GOLIVE_APP_ID", "42", func(s *settings) any { return s.AppID }, int64(42)},
		{"GOLIVE_LOG_LEVEL", "WARN", func(s *settings) any { return s.LogLevel }, "warn"},
		{"GOLIVE_METRICS_ADDR", "off", func(s *settings) any { return s.MetricsAddr }, ""},
		{"GOLIVE_METRICS_ADDR", "", func(s *settings) any { return s.MetricsAddr }, ":9090"},
		{"GOLIVE_GITHUB_API_URL", "https://ghe.example/api/v3/", func(s *settings) any { return s.GitHubAPI }, "https://ghe.example/api/v3/"},
	} {
		s := bindSettings(flag.NewFlagSet("t", flag.ContinueOnError), func(k string) string {
			if k == c.env {
				return c.value
			}
			return ""
		})
		if err := s.finish(); err != nil {
			t.Errorf("%s=%q: %v", c.env, c.value, err)
			continue
		}
		if got := c.got(s); got != c.want {
			t.Errorf("%s=%q: got %v, want %v", c.env, c.value, got, c.want)
		}
	}
}

// TestPrivateKeyForms: PEM, PEM with literal \n escapes and base64 of PEM
// all give the key; a PEM as it is stays byte for byte (the ledger key is
// derived from those bytes).
func TestPrivateKeyForms(t *testing.T) {
	t.Parallel()
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	p := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	p8, _ := x509.MarshalPKCS8PrivateKey(k)
	pk8 := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8})
	escaped := strings.ReplaceAll(strings.TrimSpace(string(p)), "\n", `\n`)
	for name, raw := range map[string]string{
		"pem":              string(p),
		"pkcs8":            string(pk8),
		"escaped":          escaped,
		"quoted-escaped":   escaped + `\n`,
		"base64":           base64.StdEncoding.EncodeToString(p),
		"base64-wrapped":   wrap(base64.StdEncoding.EncodeToString(p)),
		"pem-crlf-escaped": strings.ReplaceAll(strings.TrimSpace(string(p)), "\n", `\r\n`),
	} {
		got, err := decodeKey(raw)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		b, _ := pem.Decode(got)
		if b == nil || checkKeyBlock(b) != nil {
			t.Errorf("%s: got no usable key", name)
		}
	}
	for _, plain := range []string{string(p), strings.TrimSpace(string(p)), string(p) + "\n\n"} {
		if got, _ := decodeKey(plain); string(got) != plain {
			t.Errorf("a plain PEM key was rewritten: %q", got[len(got)-20:])
		}
	}
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("nope")})
	for name, raw := range map[string]string{
		"text":        "not-a-pem",
		"base64-text": base64.StdEncoding.EncodeToString([]byte("hello")),
		"certificate": string(cert),
		"truncated":   string(p[:200]),
	} {
		if _, err := decodeKey(raw); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func wrap(s string) string {
	var b strings.Builder
	for len(s) > 64 {
		b.WriteString(s[:64] + "\n")
		s = s[64:]
	}
	return b.String() + s
}

// TestConfigFileLayering: flags > env > file > default, the file's keys
// are the flag names, and its mistakes are named with their line.
func TestConfigFileLayering(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "golive-server.yml")
	os.WriteFile(file, []byte("workers: 3\ncoalesce: 7s\nlog-level: debug\nlog-format: text\nprobes: off\n"), 0o600)
	env := map[string]string{"GOLIVE_CONFIG": file, "GOLIVE_COALESCE": "4s"}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	s := bindSettings(fs, func(k string) string { return env[k] })
	if err := fs.Parse([]string{"--log-level", "warn"}); err != nil {
		t.Fatal(err)
	}
	if err := s.finish(); err != nil {
		t.Fatal(err)
	}
	if s.Workers != 3 || s.Coalesce != 4*time.Second || s.LogLevel != "warn" || s.LogFormat != "text" || s.Probes || s.Listen != ":8080" {
		t.Errorf("got workers %d, coalesce %v, level %s, format %s, probes %v, listen %s; want 3 (file), 4s (env), warn (flag), text (file), false (file), :8080 (default)",
			s.Workers, s.Coalesce, s.LogLevel, s.LogFormat, s.Probes, s.Listen)
	}

	os.WriteFile(file, []byte("workers: 3\nworkrs: 4\ncoalesce: 5\nprobes: [on]\nconfig: other.yml\n"), 0o600)
	s = bindSettings(flag.NewFlagSet("t", flag.ContinueOnError), func(k string) string { return map[string]string{"GOLIVE_CONFIG": file}[k] })
	err := s.finish()
	if err == nil {
		t.Fatal("a bad file was accepted")
	}
	for _, want := range []string{file + ":2: workrs: unknown setting (did you mean workers?)", file + `:3: coalesce="5": a duration needs a unit`, file + ":4: probes: want a single value", file + ":5: config: a config file cannot name another"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v\nlacks %q", err, want)
		}
	}

	s = bindSettings(flag.NewFlagSet("t", flag.ContinueOnError), func(k string) string {
		return map[string]string{"GOLIVE_CONFIG": filepath.Join(dir, "nope.yml")}[k]
	})
	if err := s.finish(); err == nil || !strings.Contains(err.Error(), "server config file") {
		t.Errorf("a missing file: %v", err)
	}
}

// TestSettingsFlagsStrict: flags parse as strictly as the environment.
func TestSettingsFlagsStrict(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--coalesce", "5"}, {"--app-id", "abc"}, {"--probes=maybe"}, {"--log-level", "verbose"}, {"--github-api-url", "not-a-url"}} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		bindSettings(fs, func(string) string { return "" })
		if err := fs.Parse(args); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	s := bindSettings(fs, func(string) string { return "" })
	if err := fs.Parse([]string{"--probes=false"}); err != nil || s.Probes {
		t.Errorf("--probes=false: %v, probes %v", err, s.Probes)
	}
	if fs.Lookup("private-key") != nil {
		t.Error("the private key is a flag: it would show in ps")
	}
}
