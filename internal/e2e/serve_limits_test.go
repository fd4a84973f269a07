package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/cli"
)

// vmHWM is a process's peak resident memory, from /proc/PID/status.
func vmHWM(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// TestScenarioServeBoundsUnsignedBodies runs `golive serve` as a process and sends
// it 16 unsigned 25 MB bodies at once, each with a well-formed wrong
// signature (so it must be read to be refused; one with none is refused
// from its headers alone). Its
// peak memory stays far under the manifests' 512 MiB limit: the bodies in
// memory at once are bounded by GOLIVE_WEBHOOK_INFLIGHT_MB (32 MB), not
// by how many arrive. Before the bound, the same traffic took it past 1 GB.
func TestScenarioServeBoundsUnsignedBodies(t *testing.T) {
	long(t)
	t.Parallel()
	if raceOn {
		t.Skip("sends 400 MB through a golive process; its memory is only meaningful without -race")
	}
	if _, err := exec.LookPath("golive"); err != nil {
		t.Skip("golive is not on PATH (run through go test, whose TestMain installs it)")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc to read peak memory from")
	}
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	key := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	// No Redis URL: the embedded one, so the process is all of golive.
	// The GitHub URL answers nothing; these requests never reach GitHub.
	cmd := exec.Command("golive", "serve")
	cmd.Env = append(os.Environ(), "GOLIVE_LISTEN="+addr, "GOLIVE_METRICS_ADDR=127.0.0.1:0", "GOLIVE_APP_ID=1", "GOLIVE_PRIVATE_KEY="+string(key),
		"GOLIVE_WEBHOOK_SECRET="+testSecret, "GOLIVE_GITHUB_API_URL=http://127.0.0.1:1/", "GOLIVE_REDIS_URL=",
		"GOLIVE_PROBES=off", "GOLIVE_CREDENTIALS_FILE=", "GOLIVE_LOG_LEVEL=error", "GOLIVE_RECONCILE_EVERY=1h")
	if testing.Verbose() {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	healthy := func() bool {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
	for deadline := time.Now().Add(20 * time.Second); !healthy(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("golive did not start")
		}
	}
	before := vmHWM(t, cmd.Process.Pid)

	body := bytes.Repeat([]byte(" "), 25<<20)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://"+addr+"/webhook", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-GitHub-Event", "pull_request")
			req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("flood-%d", i))
			req.Header.Set("X-Hub-Signature-256", "sha256="+strings.Repeat("ab", 32))
			resp, err := client.Do(req)
			code := 0 // the server answered early and closed while the body was sent
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				code = resp.StatusCode
			}
			mu.Lock()
			codes[code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	peak := vmHWM(t, cmd.Process.Pid)
	t.Logf("VmHWM %d MB before, %d MB after; answers %v", before>>20, peak>>20, codes)
	if !healthy() {
		t.Fatal("golive no longer answers /healthz")
	}
	if codes[http.StatusUnauthorized] < 1 || codes[http.StatusUnauthorized]+codes[http.StatusServiceUnavailable]+codes[0] != 16 {
		t.Errorf("answers %v: want each refused, 401 once read or 503 while others are", codes)
	}
	if limit := int64(300 << 20); peak > limit {
		t.Errorf("golive's peak resident memory reached %d MB under 16 unsigned 25 MB bodies, want under %d MB", peak>>20, limit>>20)
	}
}

// TestServeRefusesShortSecret: serve refuses a webhook secret (current or
// previous) too short to resist an offline guess, and names the setting.
func TestServeRefusesShortSecret(t *testing.T) {
	t.Parallel()
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	key := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})
	for _, c := range []struct {
		secret, previous, want string
	}{
		{"s", "", "GOLIVE_WEBHOOK_SECRET "},
		{"0123456789abcde", "", "GOLIVE_WEBHOOK_SECRET "},
		{"0123456789abcdef", "short", "GOLIVE_WEBHOOK_SECRET_PREVIOUS"},
		{"0123456789abcdef", "", ""},
		{"0123456789abcdef", "fedcba9876543210", ""},
	} {
		env := map[string]string{"GOLIVE_APP_ID": "1", "GOLIVE_PRIVATE_KEY": string(key), "GOLIVE_CREDENTIALS_FILE": "",
			"GOLIVE_WEBHOOK_SECRET": c.secret, "GOLIVE_WEBHOOK_SECRET_PREVIOUS": c.previous, "GOLIVE_REDIS_URL": "memcached://stop-here"}
		var out, errb bytes.Buffer
		code := cli.Run(context.Background(), []string{"serve", "--listen", "127.0.0.1:0"}, func(k string) string { return env[k] }, nil, &out, &errb)
		if c.want == "" {
			// Past the secret check: it stops at the Redis URL instead.
			if !strings.Contains(errb.String(), "unknown scheme") {
				t.Errorf("secret %q, previous %q: %q, want it refused only for the Redis URL", c.secret, c.previous, errb.String())
			}
			continue
		}
		if code == 0 || !strings.Contains(errb.String(), c.want) || !strings.Contains(errb.String(), "at least 16 bytes") {
			t.Errorf("secret %q, previous %q: exit %d, %q; want a refusal naming %s", c.secret, c.previous, code, errb.String(), c.want)
		}
	}
}
