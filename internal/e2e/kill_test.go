package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// golivesProcess is `golive serve` in its own process: the test binary
// installed as "golive" on PATH (testscript's Main does this), speaking to
// the test's fake GitHub and Redis.
type golivesProcess struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string
	env  []string
}

func startGolive(t *testing.T, h *harness, addr string, key []byte) *golivesProcess {
	p := &golivesProcess{t: t, addr: addr, env: append(os.Environ(),
		"GOLIVE_LISTEN="+addr, "GOLIVE_METRICS_ADDR=127.0.0.1:0", "GOLIVE_APP_ID=1", "GOLIVE_PRIVATE_KEY="+string(key), "GOLIVE_WEBHOOK_SECRET="+testSecret,
		"GOLIVE_GITHUB_API_URL="+h.fake.URL(), "GOLIVE_REDIS_URL="+h.redis.URL, "GOLIVE_REDIS_PREFIX="+h.redis.Prefix,
		"GOLIVE_COALESCE=300ms", "GOLIVE_CLAIM_IDLE=1s", "GOLIVE_PROBES=off", "GOLIVE_CREDENTIALS_FILE=", "GOLIVE_LOG_LEVEL=error")}
	p.start()
	return p
}

func (p *golivesProcess) start() {
	p.cmd = exec.Command("golive", "serve")
	p.cmd.Env = p.env
	if testing.Verbose() {
		p.cmd.Stderr = os.Stderr
	}
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + p.addr + "/healthz"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.t.Fatal("golive did not start")
}

// kill stops the process with SIGKILL: no shutdown, no ack, locks held.
func (p *golivesProcess) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
}

// TestScenarioKill: `kill -9` of golive in the middle of the storm, then a
// restart, several times. Nothing is lost: every release ends right, with
// no duplicate issue, comment or sign-off.
func TestScenarioKill(t *testing.T) {
	long(t)
	t.Parallel()
	if _, err := exec.LookPath("golive"); err != nil {
		t.Skip("golive is not on PATH (run through go test, whose TestMain installs it)")
	}
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	key := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})
	h := newHarness(t, harnessOpts{replicas: -1})
	addr := "127.0.0.1:" + restartablePort(t) // golive is killed and started again on it
	p := startGolive(t, h, addr, key)
	t.Cleanup(p.kill)
	signers(h)
	sz := size()
	post := &poster{t: t, urls: func() []string { return []string{"http://" + addr} }, rate: sz.rate}
	kills := 0
	s := &storm{h: h, t: t, sz: sz, post: func(event string, bodies [][]byte) {
		if event == "issue_comment" {
			// People sign off after the pushes: a push a killed replica
			// still held is reclaimed (after ClaimIdle) and applied first.
			// Applied after a sign-off, it would void it, failing closed,
			// which is right but not this scenario's point.
			h.settleWithin(90 * time.Second)
		}
		post.post(event, bodies)
		// Kill mid-processing after every other batch, and come back.
		if kills < 3 {
			time.Sleep(time.Duration(20+kills*30) * time.Millisecond)
			p.kill()
			kills++
			p.start()
		}
	}}
	s.play()
	h.settleWithin(90 * time.Second)
	s.verify()
	t.Logf("kill: %d kills during %s; %d GitHub writes", kills, post.summary(), h.fake.Writes())
	if kills == 0 {
		t.Error("golive was never killed")
	}
}
