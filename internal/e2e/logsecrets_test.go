package e2e

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lockedBuffer collects a process's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func randomHex(t *testing.T, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// TestLogsHoldNoSecrets: `golive serve` in its own process, at debug level
// with JSON logs (the production format), runs a release (PR opened, a CI
// result, a sign-off), a forged delivery, a dashboard sign-in and a session
// used; every log line is read back. No private key, webhook secret,
// OAuth client or session secret, installation or user token, App JWT,
// OAuth code, session cookie or Authorization header appears in them
// (docs/production-readiness.md, "Sensitive data exclusion verified").
func TestLogsHoldNoSecrets(t *testing.T) {
	if _, err := exec.LookPath("golive"); err != nil {
		t.Skip("golive is not on PATH (run through go test, whose TestMain installs it)")
	}
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	der := x509.MarshalPKCS1PrivateKey(rsaKey)
	key := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der})
	addr := "127.0.0.1:" + restartablePort(t)
	base := "http://" + addr
	h := newHarness(t, harnessOpts{replicas: -1, dashboard: true, public: base})
	sessionSecret := randomHex(t, 32)
	logs := &lockedBuffer{}
	cmd := exec.Command("golive", "serve")
	cmd.Env = append(os.Environ(),
		"GOLIVE_LISTEN="+addr, "GOLIVE_METRICS_ADDR=127.0.0.1:0", "GOLIVE_APP_ID=1", "GOLIVE_PRIVATE_KEY="+string(key),
		"GOLIVE_WEBHOOK_SECRET="+testSecret, "GOLIVE_GITHUB_API_URL="+h.fake.URL(), "GOLIVE_REDIS_URL="+h.redis.URL,
		"GOLIVE_REDIS_PREFIX="+h.redis.Prefix, "GOLIVE_COALESCE=300ms", "GOLIVE_PROBES=off", "GOLIVE_CREDENTIALS_FILE=",
		"GOLIVE_CLIENT_ID="+testClientID, "GOLIVE_CLIENT_SECRET="+testClientSecret, "GOLIVE_SESSION_SECRET="+sessionSecret,
		"GOLIVE_PUBLIC_URL="+base, "GOLIVE_LOG_LEVEL=debug", "GOLIVE_LOG_FORMAT=json")
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cmd.Process.Signal(syscall.SIGTERM)
			cmd.Wait()
		}
	}
	t.Cleanup(stop)
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("golive did not start: %s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.nodes = append(h.nodes, &node{url: base}) // h.send posts to the process

	// A release: opened, a CI result, a sign-off.
	signers(h)
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.send("check_run", h.checkRun(t, "build", headA, "success"))
	h.settle()
	h.send("issue_comment", h.comment(t, "tina", "/approve tech-lead", false))
	h.settle()
	// A forged delivery: refused, and logged.
	body := h.checkRun(t, "build", headA, "failure")
	req, _ := http.NewRequest(http.MethodPost, base+"/webhook", bytes.NewReader(body))
	req.Header.Set("X-GitHub-Event", "check_run")
	req.Header.Set("X-GitHub-Delivery", "forged-1")
	req.Header.Set("X-Hub-Signature-256", sign([]byte("not-"+testSecret), body))
	req.Header.Set("Authorization", "Bearer ghp_forgedbytheattacker0123456789")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged delivery: %d, want 401", resp.StatusCode)
	}
	// A dashboard sign-in, then pages read with the session.
	b := newBrowser(t, base)
	callback := b.signIn("sam")
	if r, _ := b.do("GET", "/releases", nil); r.StatusCode != http.StatusOK {
		t.Fatalf("GET /releases signed in: %d", r.StatusCode)
	}
	var cookies []string
	u, _ := url.Parse(base)
	for _, c := range b.c.Jar.Cookies(u) {
		cookies = append(cookies, c.Value)
	}
	if len(cookies) == 0 {
		t.Fatal("no session cookie after sign-in")
	}
	cb, _ := url.Parse(callback)
	stop()

	out := logs.String()
	lines, levels := 0, map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Errorf("a log line is not JSON: %q", sc.Text())
			continue
		}
		lines++
		lvl, _ := m["level"].(string)
		levels[lvl]++
	}
	// The logs said something about each step: the queued deliveries
	// (debug), the refused one, the sign-in.
	for _, want := range []string{`"delivery":"d-1"`, `"delivery":"forged-1"`, `"msg":"signed in"`} {
		if !strings.Contains(out, want) || levels["DEBUG"] == 0 {
			t.Fatalf("the run logged too little to judge (%d lines, levels %v, no %s):\n%s", lines, levels, want, out)
		}
	}
	secrets := map[string]string{
		"webhook secret":           testSecret,
		"OAuth client secret":      testClientSecret,
		"session secret":           sessionSecret,
		"OAuth code":               cb.Query().Get("code"),
		"OAuth state":              cb.Query().Get("state"),
		"forged Authorization":     "ghp_forgedbytheattacker",
		"private key (PEM header)": "PRIVATE KEY",
	}
	for i, c := range cookies {
		secrets["cookie "+string(rune('a'+i))] = c
	}
	// Any 24 characters of the key's base64 body.
	keyBody := strings.Join(strings.Split(strings.TrimSpace(string(key)), "\n")[1:], "")
	for i := 0; i+24 <= len(keyBody); i += 24 {
		secrets["private key body"] = keyBody[i : i+24]
		if strings.Contains(out, secrets["private key body"]) {
			t.Errorf("the logs hold a piece of the private key: %s", secrets["private key body"])
		}
	}
	delete(secrets, "private key body")
	for what, s := range secrets {
		if s == "" {
			t.Fatalf("%s: empty, the test would prove nothing", what)
		}
		if strings.Contains(out, s) {
			t.Errorf("the logs hold the %s", what)
		}
	}
	// Tokens by their shape: GitHub's installation (ghs_) and user (gho_)
	// tokens, a JWT, an Authorization header's value.
	shapes := regexp.MustCompile(`(?i)\b(ghs_|gho_|ghu_|ghp_)[A-Za-z0-9_]+|eyJ[A-Za-z0-9_-]{10,}\.|authorization"?\s*[:=]|bearer [A-Za-z0-9._-]{8,}`)
	for _, m := range shapes.FindAllString(out, 5) {
		t.Errorf("the logs hold a credential-shaped string: %q", m)
	}
}
