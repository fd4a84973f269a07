//go:build !nodemo

package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/redis/go-redis/v9"
)

// spawned is a `golive serve` in a process of its own, so that its memory
// and goroutines are measured apart from the load generator and the fake
// GitHub that drive it (the soak's question is whether golive stays flat).
type spawned struct {
	cmd  *exec.Cmd
	addr string
	// metrics is the GOLIVE_METRICS_ADDR it serves /metrics on.
	metrics string
	store   *redisstore.Store
	rdb     *redis.Client
}

func spawnGolive(ctx context.Context, bin, githubURL, redisURL, secret string) (*spawned, error) {
	if redisURL == "" {
		return nil, usageErr("--spawn needs GOLIVE_REDIS_URL: the spawned golive and the load generator share that Redis")
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	maddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	prefix := fmt.Sprintf("golive-load-%d", time.Now().UnixNano())
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "GOLIVE_LISTEN="+addr, "GOLIVE_METRICS_ADDR="+maddr, "GOLIVE_APP_ID=1", "GOLIVE_PRIVATE_KEY="+string(pemKey),
		"GOLIVE_WEBHOOK_SECRET="+secret, "GOLIVE_GITHUB_API_URL="+githubURL, "GOLIVE_REDIS_URL="+redisURL,
		"GOLIVE_REDIS_PREFIX="+prefix, "GOLIVE_COALESCE=1s", "GOLIVE_PROBES=off", "GOLIVE_CREDENTIALS_FILE=", "GOLIVE_LOG_LEVEL=error")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s serve: %w", bin, err)
	}
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		cmd.Process.Kill()
		return nil, err
	}
	rdb := redis.NewClient(opts)
	s := &spawned{cmd: cmd, addr: addr, metrics: maddr, rdb: rdb, store: redisstore.New(rdb, prefix)}
	if err := s.waitReady(ctx, bin+" serve"); err != nil {
		return nil, err
	}
	return s, nil
}

// freeAddr is a loopback address no one listens on now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitReady waits up to 20 s for the process's /readyz to answer 200; it
// stops the process when it does not.
func (s *spawned) waitReady(ctx context.Context, name string) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + s.addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			s.Close()
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	s.Close()
	return fmt.Errorf("%s did not become ready on %s within 20s", name, s.addr)
}

// Close stops the process the way Kubernetes does: SIGTERM, then a wait
// (a kill after 30 s).
func (s *spawned) Close() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
	s.rdb.Close()
}

// sample reads the process's own figures from its /metrics.
func (s *spawned) sample(ctx context.Context) (rss, heap, goroutines int, err error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.metrics+"/metrics", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, 0, err
	}
	defer resp.Body.Close()
	want := map[string]*int{"process_resident_memory_bytes": &rss, "go_memstats_heap_inuse_bytes": &heap, "go_goroutines": &goroutines}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if p := want[name]; ok && p != nil {
			f, _ := strconv.ParseFloat(value, 64)
			*p = int(f)
		}
	}
	return rss, heap, goroutines, sc.Err()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// rss reads the process's resident memory from /proc (Linux).
func rss() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return kb * 1024
		}
	}
	return 0
}

func mib(n int) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
func kib(n int) string { return fmt.Sprintf("%.1f KiB", float64(n)/1024) }

// newFake is the fake GitHub of --self and --spawn, with its repository,
// answering each request latency later.
func newFake(latency time.Duration) *githubfake.Fake {
	fake := githubfake.New(nil)
	fake.AddRepo("Codertocat", "Hello-World")
	if latency > 0 {
		fake.Inject(&githubfake.Fault{Delay: latency})
	}
	return fake
}
