package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ag06mixer/golive/deploy"
	"github.com/ag06mixer/golive/internal/app"
	"github.com/ag06mixer/golive/internal/githubapi"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/server"
	"github.com/ag06mixer/golive/internal/worker"
)

func runServe(e *env, args []string) error {
	fs := newFlags(e, "serve", "serve [flags]")
	st := bindSettings(fs, e.getenv)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	err := st.check()
	if errors.Is(err, errNoCredentials) {
		return serveSetup(e, st)
	}
	if err != nil {
		return err
	}
	log := st.Logger(e.stderr)
	opts := worker.DefaultOptions()
	opts.Coalesce = st.Coalesce
	sys, err := app.New(e.ctx, &st.Settings, log, opts)
	if err != nil {
		return err
	}
	defer sys.Close()
	ln, err := net.Listen("tcp", st.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", st.Listen, err)
	}
	if st.MetricsAddr != "" {
		mln, err := net.Listen("tcp", st.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen for metrics on %s (GOLIVE_METRICS_ADDR): %w", st.MetricsAddr, err)
		}
		msrv := &http.Server{Handler: sys.MetricsHandler(), ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
		go msrv.Serve(mln)
		defer msrv.Close()
		log.Info("golive metrics", "addr", mln.Addr().String())
	}
	log.Info("golive serving", "addr", ln.Addr().String(), "version", app.BuildVersion(), "github", st.GitHubAPI)
	return sys.Serve(e.ctx, ln)
}

// serveSetup serves only the App registration pages, until the App's
// credentials exist; then golive is restarted to serve for real.
func serveSetup(e *env, st *settings) error {
	log := st.Logger(e.stderr)
	public := strings.TrimSuffix(st.PublicURL, "/")
	if public == "" {
		return usageErr("no App credentials: set GOLIVE_PUBLIC_URL to the https URL GitHub reaches golive at, to register the App at /setup (or set GOLIVE_APP_ID, GOLIVE_PRIVATE_KEY_FILE and GOLIVE_WEBHOOK_SECRET)")
	}
	// GitHub shows a new App's private key once: find out now, not after
	// the exchange, that it cannot be saved.
	if err := checkWritable(st.CredsFile); err != nil {
		return fmt.Errorf("GOLIVE_CREDENTIALS_FILE=%s: /setup could not save the new App there: %w (mount a writable volume there, or set GOLIVE_CREDENTIALS_FILE to a file in one)", st.CredsFile, err)
	}
	h := server.NewSetup(newSetup(st, public, log))
	ln, err := net.Listen("tcp", st.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", st.Listen, err)
	}
	log.Warn("no GitHub App credentials: open " + public + "/setup to register golive as an App")
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second}
	go func() { <-e.ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func newSetup(st *settings, public string, log *slog.Logger) *server.Setup {
	return &server.Setup{
		Log:       log,
		Where:     st.CredsFile,
		Manifest:  deploy.AppManifest,
		PublicURL: public,
		WebURL:    st.WebURL(),
		Exchange: func(ctx context.Context, code string) (any, error) {
			return githubapi.ConvertManifest(ctx, st.GitHubAPI, code)
		},
		Save: st.saveCredentials,
		Configured: func() bool {
			_, err := os.Stat(st.CredsFile)
			return err == nil
		},
	}
}

// checkWritable proves a file can be created in path's directory, by
// creating and removing a probe file beside it.
func checkWritable(path string) error {
	if path == "" {
		return errors.New("no file named")
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".golive-write-check-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

func runReconcile(e *env, args []string) error {
	fs := newFlags(e, "reconcile", "reconcile [OWNER/REPO#PR…]")
	st := bindSettings(fs, e.getenv, reconcileSettings...)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := st.check(); err != nil {
		return err
	}
	log := st.Logger(e.stderr)
	sys, err := app.New(e.ctx, &st.Settings, log, worker.Options{Reconcile: -1})
	if err != nil {
		return err
	}
	defer sys.Close()
	return Reconcile(e.ctx, e.stdout, sys, fs.Args())
}

// Reconcile is `golive reconcile` on a running golive: it rebuilds the
// named releases, or every release Redis or GitHub knows of, and prints
// one line each to out.
func Reconcile(ctx context.Context, out io.Writer, sys *app.App, names []string) error {
	targets := map[release.Key]int64{}
	for _, n := range names {
		k, err := worker.ParseKey(n)
		if err != nil {
			return usageErr("%v", err)
		}
		targets[k] = 0
	}
	if len(names) == 0 {
		found, err := sys.Worker().Discover(ctx)
		if err != nil {
			return fmt.Errorf("find releases on GitHub: %w", err)
		}
		targets = found
		known, err := sys.Store().Releases(ctx)
		if err != nil {
			return err
		}
		for _, n := range known {
			if k, err := worker.ParseKey(n); err == nil {
				if _, ok := targets[k]; !ok {
					targets[k] = 0
				}
			}
		}
	}
	bad := 0
	for k, inst := range targets {
		if err := sys.Worker().Reconcile(ctx, k, inst); err != nil {
			bad++
			fmt.Fprintf(out, "%s: %v\n", k, err)
			continue
		}
		fmt.Fprintf(out, "%s: reconciled\n", k)
	}
	if bad > 0 {
		return errReported
	}
	return nil
}

func runRequeue(e *env, args []string) error {
	fs := newFlags(e, "requeue", "requeue [--max N]")
	st := bindSettings(fs, e.getenv, redisSettings...)
	max := fs.Int("max", 1000, "requeue at most `N` dead letters")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := st.finish(); err != nil {
		return err
	}
	if st.RedisURL == "" {
		return usageErr("set GOLIVE_REDIS_URL (or --redis-url): dead letters live in the Redis golive serves with")
	}
	rdb, closeRedis, err := app.OpenRedis(e.ctx, st.RedisURL, st.Logger(e.stderr))
	if err != nil {
		return err
	}
	defer closeRedis()
	store := redisstore.New(rdb, st.RedisPrefix)
	dead, err := store.Dead(e.ctx, *max)
	if err != nil {
		return err
	}
	for _, d := range dead {
		fmt.Fprintf(e.stdout, "%s %s attempt %d: %s\n", d.ID, d.Event, d.Attempt, d.Error)
	}
	n, err := store.Requeue(e.ctx, *max)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "requeued %d dead letters\n", n)
	return nil
}
