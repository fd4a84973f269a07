package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/loadgen"
	"github.com/ag06mixer/golive/internal/worker"
)

// RunLoad is golive-load: see cmd/golive-load.
func RunLoad(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, getenv: getenv, stdout: stdout, stderr: stderr}
	err := runLoad(e, args)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "golive-load: %v\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "golive-load: %v\n", err)
		return exitFailure
	}
}

func runLoad(e *env, args []string) error {
	fs := flag.NewFlagSet("golive-load", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	url := fs.String("url", "", "POST /webhook `URL` of the golive to drive (or --self)")
	self := fs.Bool("self", false, "start a golive of its own (embedded Redis, fake GitHub) and drive that")
	secret := fs.String("secret", e.getenv("GOLIVE_WEBHOOK_SECRET"), "webhook `secret` (GOLIVE_WEBHOOK_SECRET)")
	rate := fs.Float64("rate", 200, "deliveries per `second`; 0 sends flat out")
	count := fs.Int("count", 10000, "send at most `N` deliveries")
	duration := fs.Duration("duration", time.Minute, "send for at most this `long`")
	releases := fs.Int("releases", 50, "spread deliveries over this many release PRs")
	dir := fs.String("payloads", "testdata/webhooks", "`directory` of GitHub's example payloads")
	sample := fs.Duration("sample", 10*time.Second, "with --self, how often to print memory and goroutines")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if (*url == "") == !*self {
		return usageErr("give --url of a running golive, or --self")
	}
	if *count <= 0 || *duration <= 0 || *releases <= 0 {
		return usageErr("--count, --duration and --releases must be positive: every run is bounded")
	}
	raw, err := os.ReadFile(filepath.Join(*dir, "check_run", "completed.json"))
	if err != nil {
		return fmt.Errorf("read payloads: %w (run from the repository, or give --payloads)", err)
	}
	opened, err := os.ReadFile(filepath.Join(*dir, "pull_request", "opened.json"))
	if err != nil {
		return fmt.Errorf("read payloads: %w", err)
	}
	var fake *githubfake.Fake
	var sys *system
	if *self {
		*secret = "load-secret"
		fake = githubfake.New(nil)
		defer fake.Close()
		fake.AddRepo("Codertocat", "Hello-World")
		st := &settings{WebhookSecret: *secret, GitHubAPI: fake.URL(), Workers: 8, LogLevel: "error",
			RedisURL: e.getenv("GOLIVE_REDIS_URL"), RedisPrefix: fmt.Sprintf("golive-load-%d", time.Now().UnixNano())}
		sys, err = wire(e.ctx, st, newLogger(e.stderr, "error"), worker.Options{Coalesce: time.Second, MaxCoalesce: 5 * time.Second, Reconcile: -1})
		if err != nil {
			return err
		}
		defer sys.Close()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		ctx, cancel := context.WithCancel(e.ctx)
		defer cancel()
		go serveOn(ctx, sys, ln)
		*url = "http://" + ln.Addr().String() + "/webhook"
		where := "an embedded Redis"
		if st.RedisURL != "" {
			where = "the Redis of GOLIVE_REDIS_URL"
		}
		fmt.Fprintf(e.stdout, "golive-load: a golive of its own on %s (%s, a fake GitHub)\n", ln.Addr(), where)
	}
	// Open the releases first, then CI results spread over them.
	sha := func(r, i int) string { return fmt.Sprintf("%08x%032x", r+1, i) }
	var opens [][]byte
	for r := range *releases {
		var m map[string]any
		json.Unmarshal(opened, &m)
		pr := m["pull_request"].(map[string]any)
		pr["number"], m["number"] = 1000+r, 1000+r
		pr["head"].(map[string]any)["ref"] = fmt.Sprintf("release/load-%d", r)
		pr["head"].(map[string]any)["sha"] = sha(r, 0)
		m["installation"] = map[string]any{"id": 1}
		b, _ := json.Marshal(m)
		opens = append(opens, b)
		if fake != nil {
			fake.AddPull("Codertocat/Hello-World", &githubfake.Pull{Number: 1000 + r, HeadRef: fmt.Sprintf("release/load-%d", r), BaseRef: "master", HeadSHA: sha(r, 0)})
		}
	}
	run := time.Now().UnixNano()
	res, err := loadgen.Run(e.ctx, loadgen.Config{URL: *url, Secret: []byte(*secret), Rate: 0, Count: len(opens), Duration: time.Minute,
		Next: func(i int) loadgen.Delivery {
			return loadgen.Delivery{Event: "pull_request", ID: fmt.Sprintf("load-%d-open-%d", run, i), Body: opens[i]}
		}})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "opened %d releases: %v\n", *releases, res)
	names := []string{"CI / unit tests", "CI / integration", "CI / e2e", "image-build", "sast"}
	done := make(chan struct{})
	if *self {
		go sampleSelf(e, sys, *sample, *releases, done)
	}
	sent := make([]time.Time, *count) // each index is written by one sender
	res, err = loadgen.Run(e.ctx, loadgen.Config{URL: *url, Secret: []byte(*secret), Rate: *rate, Count: *count, Duration: *duration,
		Next: func(i int) loadgen.Delivery {
			// Next runs on many goroutines: each call decodes its own copy.
			var check map[string]any
			json.Unmarshal(raw, &check)
			r := i % *releases
			cr := check["check_run"].(map[string]any)
			cr["name"] = names[(i / *releases)%len(names)]
			cr["id"] = 5000000 + i
			cr["head_sha"] = sha(r, 0)
			cr["completed_at"] = time.Now().UTC().Format(time.RFC3339)
			cr["pull_requests"].([]any)[0].(map[string]any)["number"] = 1000 + r
			check["installation"] = map[string]any{"id": 1}
			b, _ := json.Marshal(check)
			sent[i] = time.Now()
			return loadgen.Delivery{Event: "check_run", ID: fmt.Sprintf("load-%d-%d", run, i), Body: b}
		}})
	close(done)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "check runs: %v\n", res)
	if *self {
		if err := drain(e.ctx, sys, 30*time.Second); err != nil {
			return err
		}
		var lastSent time.Time
		for _, at := range sent {
			if at.After(lastSent) {
				lastSent = at
			}
		}
		fmt.Fprintf(e.stdout, "drained; %d GitHub writes (%.1f per release), the last %v after the last event (syncs wait for 1s of quiet, 5s at most)\n",
			fake.Writes(), float64(fake.Writes())/float64(*releases), lastWrite(fake).Sub(lastSent).Round(time.Millisecond))
		sampleOnce(e, sys, *releases)
	}
	if res.Failed > 0 {
		return fmt.Errorf("%d deliveries failed: %v", res.Failed, res.Statuses)
	}
	return nil
}

// drain waits for the queue to empty and owed syncs to be written.
func drain(ctx context.Context, sys *system, max time.Duration) error {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		q, err := sys.store.Stats(ctx)
		if err != nil {
			return err
		}
		dirty, _ := sys.store.DirtyCount(ctx)
		if q.Depth == 0 && q.Pending == 0 && q.Delayed == 0 && dirty == 0 {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	q, _ := sys.store.Stats(ctx)
	dirty, _ := sys.store.DirtyCount(ctx)
	return fmt.Errorf("golive did not drain within %v: %+v, %d releases owed a sync", max, q, dirty)
}

// lastWrite is when the fake GitHub saw its last write.
func lastWrite(f *githubfake.Fake) time.Time {
	var last time.Time
	for _, r := range f.Log() {
		if r.Method != "GET" && r.At.After(last) {
			last = r.At
		}
	}
	return last
}

func sampleSelf(e *env, sys *system, every time.Duration, releases int, done <-chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			sampleOnce(e, sys, releases)
		}
	}
}

func sampleOnce(e *env, sys *system, releases int) {
	info, _ := sys.store.Client().Info(e.ctx, "memory").Result()
	used := 0
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			used, _ = strconv.Atoi(v)
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(e.stdout, "  %s rss %s, heap %s, goroutines %d, redis %s (%s per release)\n", time.Now().Format("15:04:05"),
		mib(rss()), mib(int(ms.HeapInuse)), runtime.NumGoroutine(), mib(used), kib(used/max(releases, 1)))
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
