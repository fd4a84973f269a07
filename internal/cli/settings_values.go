package cli

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// The values of settings: flag.Values that parse strictly, for flags,
// the environment and the config file alike.

type stringValue string

func (v *stringValue) Set(s string) error { *v = stringValue(s); return nil }
func (v *stringValue) String() string {
	if v == nil {
		return ""
	}
	return string(*v)
}

type intValue struct {
	p   *int
	min int
}

func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return errors.New("not a number")
	}
	if n < v.min {
		return fmt.Errorf("must be at least %d", v.min)
	}
	*v.p = n
	return nil
}
func (v *intValue) String() string {
	if v == nil || v.p == nil {
		return "0"
	}
	return strconv.Itoa(*v.p)
}

type int64Value int64

func (v *int64Value) Set(s string) error {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return errors.New("not a number")
	}
	if n < 0 {
		return errors.New("must not be negative")
	}
	*v = int64Value(n)
	return nil
}
func (v *int64Value) String() string {
	if v == nil {
		return "0"
	}
	return strconv.FormatInt(int64(*v), 10)
}

type boolValue bool

// parseBool accepts true/false, 1/0, on/off and yes/no, in any case.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "on", "yes":
		return true, nil
	case "false", "0", "off", "no":
		return false, nil
	}
	return false, errors.New("not a boolean: use true/false, 1/0 or on/off")
}

func (v *boolValue) Set(s string) error {
	b, err := parseBool(s)
	if err == nil {
		*v = boolValue(b)
	}
	return err
}
func (v *boolValue) String() string   { return strconv.FormatBool(v != nil && bool(*v)) }
func (v *boolValue) IsBoolFlag() bool { return true }

type durationValue time.Duration

// Set refuses a bare number: "5" could mean seconds or nanoseconds, and
// used to become 0 in silence.
func (v *durationValue) Set(s string) error {
	s = strings.TrimSpace(s)
	d, err := time.ParseDuration(s)
	if err != nil {
		if _, nerr := strconv.ParseFloat(s, 64); nerr == nil && s != "0" {
			return fmt.Errorf("a duration needs a unit, as in %ss or %sms", s, s)
		}
		return errors.New("not a duration: write it as 2s, 500ms, 10m or 1h")
	}
	if d < 0 {
		return errors.New("must not be negative")
	}
	*v = durationValue(d)
	return nil
}
func (v *durationValue) String() string {
	if v == nil {
		return "0s"
	}
	return time.Duration(*v).String()
}

type choiceValue struct {
	p       *string
	choices []string
}

func (v *choiceValue) Set(s string) error {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, c := range v.choices {
		if s == c {
			*v.p = s
			return nil
		}
	}
	return fmt.Errorf("not one of %s", strings.Join(v.choices, ", "))
}
func (v *choiceValue) String() string {
	if v == nil || v.p == nil {
		return ""
	}
	return *v.p
}

// urlValue is an absolute http or https URL, or empty (unset).
type urlValue string

func (v *urlValue) Set(s string) error {
	s = strings.TrimSpace(s)
	if s != "" {
		u, err := url.Parse(s)
		switch {
		case err != nil:
			return errors.New("not a URL")
		case u.Scheme != "http" && u.Scheme != "https":
			return errors.New("not an http:// or https:// URL")
		case u.Host == "":
			return errors.New("a URL needs a host")
		case u.User != nil:
			return errors.New("a URL here carries no user or password")
		case u.RawQuery != "" || u.Fragment != "":
			return errors.New("a URL here has no query or fragment")
		}
	}
	*v = urlValue(s)
	return nil
}
func (v *urlValue) String() string {
	if v == nil {
		return ""
	}
	return string(*v)
}

// addrValue is a listen address, HOST:PORT or :PORT; with off, "off"
// too (no listener, stored as "").
type addrValue struct {
	p   *string
	off bool
}

func (v *addrValue) Set(s string) error {
	s = strings.TrimSpace(s)
	if v.off && strings.EqualFold(s, "off") {
		*v.p = ""
		return nil
	}
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return errors.New("not an address: write HOST:PORT or :PORT")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return errors.New("not a port number")
	}
	*v.p = s
	return nil
}
func (v *addrValue) String() string {
	if v == nil || v.p == nil {
		return ""
	}
	return *v.p
}

type keyValue []byte

func (v *keyValue) Set(s string) error {
	if strings.TrimSpace(s) == "" {
		*v = nil
		return nil
	}
	b, err := decodeKey(s)
	if err == nil {
		*v = b
	}
	return err
}
func (v *keyValue) String() string { return "" }

// decodeKey accepts a private key the ways platforms store secrets: PEM,
// PEM with literal \n escapes (one-line env files), or base64 of PEM. A
// PEM given as it is stays byte for byte what it was: the ledger key is
// derived from those bytes.
func decodeKey(raw string) ([]byte, error) {
	if b, _ := pem.Decode([]byte(raw)); b != nil {
		return []byte(raw), checkKeyBlock(b)
	}
	s := strings.TrimSpace(raw)
	if !strings.Contains(s, "-----BEGIN") {
		dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if err != nil {
			return nil, errors.New("not a private key: want PEM (-----BEGIN …), PEM with \\n escapes, or base64 of PEM")
		}
		s = strings.TrimSpace(string(dec))
	}
	s = strings.ReplaceAll(strings.ReplaceAll(s, `\r\n`, "\n"), `\n`, "\n")
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil, errors.New("not a PEM private key (nor base64 of one)")
	}
	return []byte(s + "\n"), checkKeyBlock(b)
}

func checkKeyBlock(b *pem.Block) error {
	if _, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
		return nil
	}
	if _, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
		return nil
	}
	return fmt.Errorf("a PEM %q block that is not an RSA private key", b.Type)
}

// applyFile reads the server config file: a YAML map of setting keys
// (flag names) to scalars. Settings for which apply says false (set by a
// flag or the environment) keep their value. It reports every problem.
func (s *settings) applyFile(path string, apply func(setting) bool) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("server config file: %w", err)
	}
	var m map[string]yaml.Node
	if err := yaml.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("server config file %s: %w", path, err)
	}
	byKey := map[string]setting{}
	var known []string
	for _, d := range settingSpecs() {
		byKey[d.key()] = d
		known = append(known, d.key())
	}
	bound := map[string]bool{}
	for _, d := range s.bound {
		bound[d.env] = true
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs []error
	for _, k := range keys {
		n := m[k]
		where := fmt.Sprintf("%s:%d: %s", path, n.Line, k)
		d, ok := byKey[k]
		switch {
		case !ok:
			msg := fmt.Sprintf("%s: unknown setting", where)
			if near := closest(k, known); near != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", near)
			}
			errs = append(errs, errors.New(msg))
			continue
		case d.env == "GOLIVE_CONFIG":
			errs = append(errs, fmt.Errorf("%s: a config file cannot name another", where))
			continue
		case n.Kind != yaml.ScalarNode:
			errs = append(errs, fmt.Errorf("%s: want a single value", where))
			continue
		case !bound[d.env] || !apply(d):
			continue
		}
		if err := d.value(s).Set(n.Value); err != nil {
			errs = append(errs, badSetting(d, where, n.Value, err))
		}
	}
	return errors.Join(errs...)
}
