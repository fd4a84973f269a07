//go:build !nodemo

package main

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

	"github.com/ag06mixer/golive/internal/app"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/loadgen"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/worker"
	"github.com/redis/go-redis/v9"
)

// The exit codes, as golive's: 0 done, 1 failed, 2 a usage mistake.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// errUsage marks an error as a usage mistake (exit 2).
var errUsage = errors.New("usage")

func usageErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, strings.TrimSpace(fmt.Sprintf(format, args...)))
}

// env is what a run reads and writes.
type env struct {
	ctx            context.Context
	getenv         func(string) string
	stdout, stderr io.Writer
}

// runLoadMain is golive-load, with its exit code.
func runLoadMain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
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
	spawn := fs.String("spawn", "", "start `BINARY` serve as a process of its own against a fake GitHub and GOLIVE_REDIS_URL, and measure that process")
	baseline := fs.Bool("baseline", false, "start the bare ingest (net/http, ValidatePayload, one XADD) as a process of its own against GOLIVE_REDIS_URL, and drive that: --spawn's yardstick")
	secret := fs.String("secret", e.getenv("GOLIVE_WEBHOOK_SECRET"), "webhook `secret` (GOLIVE_WEBHOOK_SECRET)")
	rate := fs.Float64("rate", 200, "deliveries per `second`; 0 sends flat out")
	count := fs.Int("count", 10000, "send at most `N` deliveries")
	duration := fs.Duration("duration", time.Minute, "send for at most this `long`")
	releases := fs.Int("releases", 50, "spread deliveries over this many release PRs")
	dir := fs.String("payloads", "testdata/webhooks", "`directory` of GitHub's example payloads")
	sample := fs.Duration("sample", 10*time.Second, "with --self or --spawn, how often to print memory and goroutines")
	timeline := fs.Bool("timeline", false, "with --self or --spawn, print per second of the run the fake GitHub's reads and writes and the event → write p99 of the events sent then")
	latency := fs.Duration("github-latency", 0, "with --self or --spawn, the fake GitHub answers every request this much later (GitHub's own writes take a few hundred ms)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if n := btoi(*url != "") + btoi(*self) + btoi(*spawn != "") + btoi(*baseline); n != 1 {
		return usageErr("give one of --url of a running golive, --self, --spawn or --baseline")
	}
	if *latency < 0 || (*latency > 0 && (*url != "" || *baseline)) {
		return usageErr("--github-latency is a duration, with --self or --spawn only")
	}
	if *count <= 0 || *duration <= 0 || *releases <= 0 {
		return usageErr("--count, --duration and --releases must be positive: every run is bounded")
	}
	raw, err := os.ReadFile(filepath.Join(*dir, "check_run", "completed.json"))
	if err != nil {
		return fmt.Errorf("read payloads: %w (run from the repository, or give --payloads)", err)
	}
	check, err := newCheckTemplate(raw)
	if err != nil {
		return err
	}
	opened, err := os.ReadFile(filepath.Join(*dir, "pull_request", "opened.json"))
	if err != nil {
		return fmt.Errorf("read payloads: %w", err)
	}
	var fake *githubfake.Fake
	var sys *app.App
	var measure func(ctx context.Context) (figures, error) // the driven golive's figures
	var meter *cpuMeter                                    // the spawned process's CPU and its Redis's (--spawn, --baseline)
	var who string
	var store *redisstore.Store
	var windows string // the driven golive's coalescing
	if *spawn != "" {
		*secret = "load-secret-0123456789"
		fake = newFake(*latency)
		defer fake.Close()
		child, err := spawnGolive(e.ctx, *spawn, fake.URL(), e.getenv("GOLIVE_REDIS_URL"), *secret)
		if err != nil {
			return err
		}
		defer child.Close()
		store, windows = child.store, "1s of quiet, 10s at most"
		measure = func(ctx context.Context) (figures, error) {
			var f figures
			var err error
			f.rss, f.heap, f.goroutines, err = child.sample(ctx)
			f.redis = redisUsed(ctx, child.rdb)
			return f, err
		}
		*url = "http://" + child.addr + "/webhook"
		meter, who = &cpuMeter{pid: child.cmd.Process.Pid, rdb: child.rdb}, "golive"
		fmt.Fprintf(e.stdout, "golive-load: %s serve in process %d on %s (the Redis of GOLIVE_REDIS_URL, a fake GitHub in this process)\n", *spawn, child.cmd.Process.Pid, child.addr)
	}
	if *baseline {
		*secret = "load-secret-0123456789"
		child, err := spawnBaseline(e.ctx, e.getenv("GOLIVE_REDIS_URL"), *secret)
		if err != nil {
			return err
		}
		defer child.Close()
		*url = "http://" + child.addr + "/webhook"
		meter, who = &cpuMeter{pid: child.cmd.Process.Pid, rdb: child.rdb}, "the baseline"
		fmt.Fprintf(e.stdout, "golive-load: the bare ingest baseline in process %d on %s (the Redis of GOLIVE_REDIS_URL)\n", child.cmd.Process.Pid, child.addr)
	}
	if *self {
		*secret = "load-secret-0123456789"
		fake = newFake(*latency)
		defer fake.Close()
		st := &app.Settings{WebhookSecret: *secret, GitHubAPI: fake.URL(), Workers: 8, LogLevel: "error",
			RedisURL: e.getenv("GOLIVE_REDIS_URL"), RedisPrefix: fmt.Sprintf("golive-load-%d", time.Now().UnixNano())}
		sys, err = app.New(e.ctx, st, app.NewLogger(e.stderr, "error", "json"), worker.Options{Coalesce: time.Second, MaxCoalesce: 5 * time.Second, Reconcile: -1})
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
		go sys.Serve(ctx, ln)
		*url = "http://" + ln.Addr().String() + "/webhook"
		where := "an embedded Redis"
		if st.RedisURL != "" {
			where = "the Redis of GOLIVE_REDIS_URL"
		}
		fmt.Fprintf(e.stdout, "golive-load: a golive of its own on %s (%s, a fake GitHub)\n", ln.Addr(), where)
		store, windows = sys.Store(), "1s of quiet, 5s at most"
		measure = func(ctx context.Context) (figures, error) {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			return figures{rss: rss(), heap: int(ms.HeapInuse), goroutines: runtime.NumGoroutine(), redis: redisUsed(ctx, sys.Store().Client())}, nil
		}
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
	if measure != nil {
		go sampleEvery(e, measure, *sample, *releases, done)
	}
	sent := make([]time.Time, *count) // each index is written by one sender
	var cpuFrom cpuUse
	if meter != nil {
		cpuFrom = meter.read(e.ctx)
	}
	res, err = loadgen.Run(e.ctx, loadgen.Config{URL: *url, Secret: []byte(*secret), Rate: *rate, Count: *count, Duration: *duration,
		Next: func(i int) loadgen.Delivery {
			r := i % *releases
			round := i / *releases
			name := names[round%len(names)]
			// Every other pass over the names fails: CI re-runs flip items,
			// so events keep changing what golive has to write.
			conclusion := "success"
			if (round/len(names))%2 == 1 {
				conclusion = "failure"
			}
			vals := map[string]any{"name": name, "conclusion": conclusion, "id": 5000000 + i, "head_sha": sha(r, 0),
				"completed_at": time.Now().UTC().Format(time.RFC3339), "pr": 1000 + r}
			if fake != nil { // golive re-reads a head's checks from GitHub
				c := fake.AddCheckRun("Codertocat/Hello-World", name, sha(r, 0), "completed", conclusion)
				vals["id"], vals["html_url"] = c.ID, c.HTMLURL
				vals["completed_at"] = c.CompletedAt.Format(time.RFC3339)
			}
			b := check.render(vals)
			sent[i] = time.Now()
			return loadgen.Delivery{Event: "check_run", ID: fmt.Sprintf("load-%d-%d", run, i), Body: b}
		}})
	close(done)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "check runs: %v\n", res)
	if meter != nil {
		fmt.Fprintf(e.stdout, "CPU per check run while sending: %s\n", perDelivery(who, cpuFrom, meter.read(e.ctx), res.Accepted))
	}
	if measure != nil {
		if err := drain(e.ctx, store, 30*time.Second); err != nil {
			fmt.Fprintf(e.stdout, "GitHub requests by route so far:\n%s\n", fake.CountsTable())
			return err
		}
		var lastSent time.Time
		for _, at := range sent {
			if at.After(lastSent) {
				lastSent = at
			}
		}
		if meter != nil {
			fmt.Fprintf(e.stdout, "CPU per check run, sending and draining: %s\n", perDelivery(who, cpuFrom, meter.read(e.ctx), res.Accepted))
		}
		fmt.Fprintf(e.stdout, "drained; %d GitHub writes (%.1f per release), the last %v after the last event (syncs wait for %s)\n",
			fake.Writes(), float64(fake.Writes())/float64(*releases), lastWrite(fake).Sub(lastSent).Round(time.Millisecond), windows)
		each := eventToWrite(fake, sent, *releases)
		if *timeline {
			printTimeline(e.stdout, fake.Log(), sent, each)
		}
		lat := inOrder(each)
		fmt.Fprintf(e.stdout, "event → GitHub write (each event to the first write to its release after it; %d of %d events): p50 %v p95 %v p99 %v\n",
			len(lat), len(sent), quantile(lat, 0.50), quantile(lat, 0.95), quantile(lat, 0.99))
		fmt.Fprintf(e.stdout, "GitHub requests by route:\n%s\n", fake.CountsTable())
		sampleOnce(e, measure, *releases)
	}
	if res.Failed > 0 {
		return fmt.Errorf("%d deliveries failed: %v", res.Failed, res.Statuses)
	}
	return nil
}

// drain waits for the queue to empty and owed syncs to be written.
func drain(ctx context.Context, store *redisstore.Store, max time.Duration) error {
	return store.WaitIdle(ctx, max, 50*time.Millisecond)
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

// figures are one sample of the driven golive.
type figures struct{ rss, heap, goroutines, redis int }

func sampleEvery(e *env, measure func(context.Context) (figures, error), every time.Duration, releases int, done <-chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			sampleOnce(e, measure, releases)
		}
	}
}

func sampleOnce(e *env, measure func(context.Context) (figures, error), releases int) {
	f, err := measure(e.ctx)
	if err != nil {
		fmt.Fprintf(e.stdout, "  %s sample: %v\n", time.Now().Format("15:04:05"), err)
		return
	}
	fmt.Fprintf(e.stdout, "  %s rss %s, heap %s, goroutines %d, redis %s (%s per release)\n", time.Now().Format("15:04:05"),
		mib(f.rss), mib(f.heap), f.goroutines, mib(f.redis), kib(f.redis/max(releases, 1)))
}

// redisUsed is Redis's used_memory.
func redisUsed(ctx context.Context, rdb redis.UniversalClient) int {
	info, _ := rdb.Info(ctx, "memory").Result()
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return 0
}
