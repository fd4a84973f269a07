//go:build !nodemo

// Command golive-load drives a golive with signed webhook deliveries, at a
// fixed rate or flat out, bounded in count and time, and reports the
// deliveries per second and the ack latency. With --self it starts its
// own golive (embedded Redis, a fake GitHub) and also reports the time
// from event to GitHub write, the process's memory and goroutines, and
// Redis memory per release: the soak test.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	if addr := os.Getenv(baselineAddrEnv); addr != "" {
		os.Exit(baselineMain(ctx, addr))
	}
	code := runLoadMain(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
