package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/ag06mixer/golive/internal/githubapi"
	"github.com/ag06mixer/golive/internal/metrics"
	"github.com/ag06mixer/golive/internal/redeliver"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/worker"
)

// Version is set at build time with
// -ldflags "-X github.com/ag06mixer/golive/internal/app.Version=v1.2.3".
var Version = ""

// BuildVersion is Version, or the module's version when go install built
// it, or "devel".
func BuildVersion() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// Handler serves webhooks, the dashboard, /setup's successor pages and
// the health endpoints.
func (s *App) Handler() http.Handler { return s.handler }

// MetricsHandler serves /metrics (GOLIVE_METRICS_ADDR).
func (s *App) MetricsHandler() http.Handler { return s.metricsHandler }

// Store is golive's Redis store.
func (s *App) Store() *redisstore.Store { return s.store }

// Worker is the queue's worker and, through it, the tracker.
func (s *App) Worker() *worker.Worker { return s.worker }

// Redeliver is the sweep that asks GitHub again for deliveries golive
// did not take.
func (s *App) Redeliver() *redeliver.Sweeper { return s.redeliver }

// Metrics are golive's Prometheus metrics.
func (s *App) Metrics() *metrics.Metrics { return s.metrics }

// Idle reports whether golive has nothing left to do (no delivery queued,
// delayed or in hand, no release owed a sync), and what is left when not.
func (s *App) Idle(ctx context.Context) (bool, string, error) { return s.store.Idle(ctx) }

// WaitIdle waits until Idle holds, looking every poll, for at most max.
func (s *App) WaitIdle(ctx context.Context, max, poll time.Duration) error {
	return s.store.WaitIdle(ctx, max, poll)
}

// Run runs the worker and the redelivery sweep until ctx ends.
func (s *App) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		s.worker.Run(ctx)
	}()
	go func() {
		defer wg.Done()
		s.redeliver.Run(ctx) // returns at once when GOLIVE_REDELIVER_EVERY is 0
	}()
	wg.Wait()
}

// Serve runs the HTTP server on ln, the worker and the sweep until ctx
// ends, then shuts them down: the server stops taking webhooks first,
// then the worker finishes what it holds.
func (s *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	srv.Shutdown(sctx)
	<-done
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// GitHub is the GitHub App's client.
func (s *App) GitHub() *githubapi.App { return s.app }
