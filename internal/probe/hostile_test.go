package probe

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// TestSecretHeadersDroppedOnRedirect: a probe redirected to another host
// sends none of its secret headers there; Go itself drops only
// Authorization and cookies, and only for another host name.
func TestSecretHeadersDroppedOnRedirect(t *testing.T) {
	got := make(chan http.Header, 1)
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got <- r.Header.Clone() }))
	defer other.Close()
	first := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/landing", http.StatusFound)
	}))
	defer first.Close()
	r := loopbackRunner(t)
	r.Roots = x509.NewCertPool()
	r.Roots.AddCert(first.Certificate())
	r.Roots.AddCert(other.Certificate())
	h := map[string]checklist.SecretRef{"X-Api-Key": {Secret: "token"}, "Authorization": {Secret: "token"}}
	res := r.Run(context.Background(), &checklist.Probe{HTTP: &checklist.HTTPProbe{URL: first.URL + "/", Headers: h}})
	if !res.OK {
		t.Fatalf("probe: %+v", res)
	}
	hdr := <-got
	for name := range h {
		if v := hdr.Get(name); v != "" {
			t.Errorf("the other host got %s: %q, want no secret header", name, v)
		}
	}
}

// TestSecretsScoped: a secret is usable only by the repositories its
// _REPOS list names, and only over https; an unscoped secret is refused.
func TestSecretsScoped(t *testing.T) {
	env := map[string]string{
		"GOLIVE_SECRET_TOKEN":        "v",
		"GOLIVE_SECRET_TOKEN_REPOS":  "acme/*, other/shop",
		"GOLIVE_SECRET_LOOSE":        "v",
		"GOLIVE_SECRET_STAR":         "v",
		"GOLIVE_SECRET_STAR_REPOS":   "*/*,*",
		"GOLIVE_SECRET_PREFIX":       "v",
		"GOLIVE_SECRET_PREFIX_REPOS": "acme/web-*",
	}
	secret := EnvSecrets(func(k string) string { return env[k] })
	for _, tc := range []struct {
		ref, repo string
		ok        bool
		want      string
	}{
		{"token", "acme/web", true, ""},
		{"token", "ACME/api", true, ""},
		{"token", "other/shop", true, ""},
		{"token", "other/blog", false, "not scoped to other/blog"},
		{"token", "acmeX/web", false, "not scoped"},
		{"token", "", false, "not scoped to an unknown repository"},
		{"loose", "acme/web", false, "has no scope"},
		{"star", "acme/web", false, "not scoped"},
		{"prefix", "acme/web-1", false, "not scoped"},
		{"missing", "acme/web", false, "does not hold"},
	} {
		v, err := secret(tc.ref, tc.repo)
		if (err == nil) != tc.ok || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s for %q: got %q, %v; want ok=%v containing %q", tc.ref, tc.repo, v, err, tc.ok, tc.want)
		}
	}

	// Through a probe: the worker names the repository; plain http is refused.
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Key") != "v" {
			w.WriteHeader(401)
		}
	}))
	defer srv.Close()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer plain.Close()
	r := loopbackRunner(t)
	r.Secret = secret
	r.Roots = x509.NewCertPool()
	r.Roots.AddCert(srv.Certificate())
	hdr := map[string]checklist.SecretRef{"X-Key": {Secret: "token"}}
	for _, tc := range []struct {
		name, url, repo string
		ok              bool
		want            string
	}{
		{"in scope", srv.URL, "acme/web", true, "200"},
		{"out of scope", srv.URL, "evil/repo", false, "not scoped to evil/repo"},
		{"plain http", plain.URL, "acme/web", false, "only over https"},
	} {
		ctx := release.WithProbeRepo(context.Background(), tc.repo)
		res := r.Run(ctx, &checklist.Probe{HTTP: &checklist.HTTPProbe{URL: tc.url, Headers: hdr}})
		if res.OK != tc.ok || !strings.Contains(res.Detail, tc.want) {
			t.Errorf("%s: got ok=%v %q, want ok=%v containing %q", tc.name, res.OK, res.Detail, tc.ok, tc.want)
		}
	}
}

// TestCANeverReadsLocalPaths: a ca path is refused without being opened
// (a FIFO there blocked the probe forever, /dev/zero ran golive out of
// memory); a ca_name is read only as a regular file inside the operator's
// directory, without blocking and up to a size cap; and the run returns
// within its timeout.
func TestCANeverReadsLocalPaths(t *testing.T) {
	ca := newCA(t)
	addr := serveTLS(t, ca.leaf(t, "shop.test", time.Now().Add(-time.Hour), time.Now().Add(90*24*time.Hour), false))
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.pem")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	good := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.ca.Raw})
	os.WriteFile(filepath.Join(dir, "good.pem"), good, 0o600)
	os.WriteFile(filepath.Join(dir, "big.pem"), make([]byte, checklist.MaxCABytes+1), 0o600)
	os.Symlink("/dev/zero", filepath.Join(dir, "zero.pem"))
	os.Symlink("/etc/hostname", filepath.Join(dir, "out.pem"))
	r := loopbackRunner(t)
	r.CADir = dir
	for _, tc := range []struct {
		name string
		tls  checklist.TLSProbe
		ok   bool
		want string
	}{
		{"ca path to a FIFO", checklist.TLSProbe{Host: addr, ServerName: "shop.test", CA: fifo}, false, "ca names a file"},
		{"ca path to /dev/zero", checklist.TLSProbe{Host: addr, ServerName: "shop.test", CA: "/dev/zero"}, false, "ca names a file"},
		{"ca_name FIFO", checklist.TLSProbe{Host: addr, ServerName: "shop.test", CAName: "fifo.pem"}, false, "not a regular file"},
		{"ca_name to /dev/zero", checklist.TLSProbe{Host: addr, ServerName: "shop.test", CAName: "zero.pem"}, false, "zero.pem"},
		{"ca_name leaving the dir", checklist.TLSProbe{Host: addr, ServerName: "shop.test", CAName: "out.pem"}, false, "out.pem"},
		{"ca_name with a path", checklist.TLSProbe{Host: addr, ServerName: "shop.test", CAName: "../good.pem"}, false, "not a plain file name"},
		{"ca_name too big", checklist.TLSProbe{Host: addr, ServerName: "shop.test", CAName: "big.pem"}, false, "over the"},
		{"ca_name good", checklist.TLSProbe{Host: addr, ServerName: "shop.test", CAName: "good.pem"}, true, "issuer golive test CA"},
		{"ca_pem good", checklist.TLSProbe{Host: addr, ServerName: "shop.test", CAPEM: string(good)}, true, "issuer golive test CA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.tls
			res := r.Run(context.Background(), &checklist.Probe{TLS: &p, Timeout: checklist.Duration(2 * time.Second)})
			if res.OK != tc.ok || !strings.Contains(res.Detail, tc.want) {
				t.Errorf("got ok=%v %q, want ok=%v containing %q", res.OK, res.Detail, tc.ok, tc.want)
			}
		})
	}
	r.CADir = ""
	res := r.Run(context.Background(), &checklist.Probe{TLS: &checklist.TLSProbe{Host: addr, CAName: "good.pem"}})
	if res.OK || !strings.Contains(res.Detail, "GOLIVE_PROBE_CA_DIR is unset") {
		t.Errorf("no CA dir: got %+v, want refused", res)
	}
}
