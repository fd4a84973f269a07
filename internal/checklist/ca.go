package checklist

import (
	"crypto/x509"
	"regexp"
)

// MaxCABytes caps a CA bundle, inline or read from the operator's
// directory: a bundle of a few dozen certificates is well under it.
const MaxCABytes = 256 << 10

// CANamePattern is what a ca_name may be: a plain file name, no path
// separators, no "..", nothing hidden.
var CANamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$`)

// checkCA refuses a TLS probe's CA given as a path, and checks an inline
// bundle or a bundle name.
func checkCA(add func(field, format string, args ...any), id string, t *TLSProbe) {
	if t.CA != "" {
		add("evidence.probe.tls.ca", "item %q: ca names a file on golive's machine, which repo config may not; give the bundle inline with ca_pem, or by name with ca_name from the operator's GOLIVE_PROBE_CA_DIR", id)
	}
	if t.CAPEM != "" && t.CAName != "" {
		add("evidence.probe.tls.ca_pem", "item %q: set ca_pem or ca_name, not both", id)
	}
	if t.CAPEM != "" {
		if len(t.CAPEM) > MaxCABytes {
			add("evidence.probe.tls.ca_pem", "item %q: ca_pem is %d bytes, over the %d-byte limit", id, len(t.CAPEM), MaxCABytes)
		} else if !x509.NewCertPool().AppendCertsFromPEM([]byte(t.CAPEM)) {
			add("evidence.probe.tls.ca_pem", "item %q: ca_pem holds no PEM certificate", id)
		}
	}
	if t.CAName != "" && (len(t.CAName) > 128 || !CANamePattern.MatchString(t.CAName)) {
		add("evidence.probe.tls.ca_name", "item %q: ca_name %q must be a plain file name (letters, digits, '.', '_', '-'; no path separators)", id, t.CAName)
	}
}
