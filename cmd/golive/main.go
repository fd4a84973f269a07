// Command golive is a GitHub App that turns a production-readiness
// checklist into a merge gate for release pull requests.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/ag06mixer/golive/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
