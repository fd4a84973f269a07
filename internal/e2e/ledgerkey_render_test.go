package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/app"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
	"github.com/ag06mixer/golive/internal/worker"
)

// The ledger's MAC key is never the webhook secret: a ledger MACed with
// the webhook secret is rejected in serve's configuration.
func TestLedgerKeyIsNotTheWebhookSecret(t *testing.T) {
	t.Parallel()
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})
	var logs bytes.Buffer
	log := app.NewLogger(&logs, "warn", "json")
	st := &app.Settings{WebhookSecret: testSecret, PrivateKey: pemKey}
	key, err := st.LedgerSigningKey(log)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(key, []byte(testSecret)) || len(key) != 32 {
		t.Fatalf("ledger key is the webhook secret or not 32 bytes: %q", key)
	}
	if logs.Len() != 0 {
		t.Errorf("a warning with a private key: %s", logs.String())
	}
	k := release.Key{Owner: "o", Repo: "r", PR: 1}
	s := release.New(k)
	s.Signoffs = []release.Signoff{{Role: "security", By: "sam", SHA: "abc"}}
	forged := render.Marker(k) + "\n" + render.LedgerLine(render.LedgerOf(s), []byte(testSecret)) + "\n"
	if _, _, err := render.ParseLedger(forged, k, key); !errors.Is(err, render.ErrLedgerForged) {
		t.Errorf("ledger MACed with the webhook secret: err = %v, want ErrLedgerForged", err)
	}
	// The same private key gives the same key on every replica.
	again, _ := (&app.Settings{WebhookSecret: "other", PrivateKey: pemKey}).LedgerSigningKey(log)
	if !bytes.Equal(key, again) {
		t.Error("the derived key depends on more than the private key")
	}

	// GOLIVE_LEDGER_KEY wins, and must be long enough.
	long := strings.Repeat("L", 32)
	if got, _ := (&app.Settings{WebhookSecret: testSecret, PrivateKey: pemKey, LedgerKey: long}).LedgerSigningKey(log); string(got) != long {
		t.Error("GOLIVE_LEDGER_KEY is not used")
	}
	if _, err := (&app.Settings{LedgerKey: "short"}).LedgerSigningKey(log); err == nil {
		t.Error("a short GOLIVE_LEDGER_KEY is accepted")
	}

	// No private key (demo, tests): derived from the webhook secret, never
	// equal to it, with a warning.
	logs.Reset()
	fb, _ := (&app.Settings{WebhookSecret: testSecret}).LedgerSigningKey(log)
	if bytes.Equal(fb, []byte(testSecret)) || !strings.Contains(logs.String(), "demo and tests only") {
		t.Errorf("fallback key %q, log %q", fb, logs.String())
	}
}

// serve refuses a GOLIVE_LEDGER_KEY that is too short.
func TestWireRefusesShortLedgerKey(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{replicas: -1})
	st := &app.Settings{WebhookSecret: testSecret, GitHubAPI: h.fake.URL(), RedisURL: h.redis.URL, RedisPrefix: h.redis.Prefix, Workers: 1, LogLevel: "error", LedgerKey: "short"}
	sys, err := app.New(context.Background(), st, app.NewLogger(io.Discard, "error", "json"), worker.Options{Reconcile: -1})
	if err == nil {
		sys.Close()
		t.Fatal("wire accepted a 5-byte GOLIVE_LEDGER_KEY")
	}
}
