//go:build !nodemo

package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ag06mixer/golive/internal/loadgen"
)

// baselineAddrEnv, set, makes golive-load the baseline's own process:
// it serves loadgen.Baseline on that address until SIGTERM. --baseline
// starts golive-load so (the test binary, through TestMain, as well).
const baselineAddrEnv = "GOLIVE_LOAD_BASELINE_ADDR"

// baselineMain is the baseline's process, with its exit code.
func baselineMain(ctx context.Context, addr string) int {
	if err := serveBaseline(ctx, addr, os.Getenv); err != nil {
		fmt.Fprintf(os.Stderr, "golive-load baseline: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// serveBaseline serves the bare ingest on addr against GOLIVE_REDIS_URL
// until ctx ends, then deletes the stream it filled.
func serveBaseline(ctx context.Context, addr string, getenv func(string) string) error {
	opts, err := redis.ParseURL(getenv("GOLIVE_REDIS_URL"))
	if err != nil {
		return fmt.Errorf("the baseline's GOLIVE_REDIS_URL: %w", err)
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	stream := getenv("GOLIVE_REDIS_PREFIX") + ":baseline"
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: loadgen.Baseline(rdb, stream, []byte(getenv("GOLIVE_WEBHOOK_SECRET"))), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return rdb.Del(context.Background(), stream).Err()
}

// spawnBaseline starts the baseline in a process of its own, as --spawn
// starts golive serve, so the two are measured alike: the load generator
// in this process, the ingest in that one, on the same Redis.
func spawnBaseline(ctx context.Context, redisURL, secret string) (*spawned, error) {
	if redisURL == "" {
		return nil, usageErr("--baseline needs GOLIVE_REDIS_URL: the baseline and the load generator share that Redis")
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), baselineAddrEnv+"="+addr, "GOLIVE_REDIS_URL="+redisURL, "GOLIVE_WEBHOOK_SECRET="+secret,
		fmt.Sprintf("GOLIVE_REDIS_PREFIX=golive-load-%d", time.Now().UnixNano()))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the baseline: %w", err)
	}
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, err
	}
	s := &spawned{cmd: cmd, addr: addr, rdb: redis.NewClient(opts)}
	if err := s.waitReady(ctx, "the baseline"); err != nil {
		return nil, err
	}
	return s, nil
}
