package app

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/ag06mixer/golive/internal/githubapi"
	"github.com/ag06mixer/golive/internal/metrics"
	"github.com/ag06mixer/golive/internal/notify"
	"github.com/ag06mixer/golive/internal/probe"
	"github.com/ag06mixer/golive/internal/receipt"
	"github.com/ag06mixer/golive/internal/redeliver"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/server"
	"github.com/ag06mixer/golive/internal/webhook"
	"github.com/ag06mixer/golive/internal/worker"
)

// App is golive wired together: Redis, GitHub, the worker, the
// redelivery sweep and the HTTP handlers. It is the composition root:
// the only package that names every adapter. The command line, the demo,
// the load program and the end-to-end tests all start golive through New.
type App struct {
	store   *redisstore.Store
	app     *githubapi.App
	worker  *worker.Worker
	handler http.Handler
	// metricsHandler serves /metrics on GOLIVE_METRICS_ADDR.
	metricsHandler http.Handler
	metrics        *metrics.Metrics
	log            *slog.Logger
	closers        []func()

	// redeliver asks GitHub again for deliveries golive did not take.
	redeliver *redeliver.Sweeper
	// ingesting counts the signed webhook deliveries being checked and
	// queued now (server.Deps.InFlight).
	ingesting atomic.Int64
}

// ingestBusy is how many signed webhook deliveries being queued at once
// mark the ingest saturated, so that the workers step down
// (worker.Options.IngestBusy). A signed delivery spends well under a
// millisecond there, so at GitHub's own pace one is rarely seen, and the
// workers hold back only entries that waited in the queue past the order
// window: none without a backlog. Under a flood one is always there. (A
// first version counted every request from its start, two per core: four
// unsigned connections that never sent their bodies held it.)
const ingestBusy = 1

// Close releases what New opened (Redis, the embedded Redis), last
// opened first.
func (s *App) Close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

// clients adapts the GitHub App to the worker's interface.
type clients struct{ app *githubapi.App }

func (c clients) Installation(id int64) (worker.GitHub, error) { return c.app.For(id) }
func (c clients) Installations(ctx context.Context) ([]int64, error) {
	return c.app.Installations(ctx)
}

var _ worker.GitHub = (*githubapi.Installation)(nil)

// OpenRedis connects to GOLIVE_REDIS_URL, or starts an embedded
// in-memory Redis when it is unset.
func OpenRedis(ctx context.Context, url string, log *slog.Logger) (redis.UniversalClient, func(), error) {
	if url == "" {
		return embeddedRedis(log)
	}
	rdb, err := redisstore.Open(url)
	if err != nil {
		return nil, nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		return nil, nil, fmt.Errorf("reach Redis: %w", err)
	}
	return rdb, func() { rdb.Close() }, nil
}

// New builds golive from its settings. opts tunes the worker (the demo
// and tests shorten its timings); what it leaves zero the settings fill.
func New(ctx context.Context, st *Settings, log *slog.Logger, opts worker.Options) (*App, error) {
	sys := &App{metrics: metrics.New(), log: log}
	sys.metrics.BuildInfo(BuildVersion(), runtime.Version())
	rdb, closeRedis, err := OpenRedis(ctx, st.RedisURL, log)
	if err != nil {
		return nil, err
	}
	sys.closers = append(sys.closers, closeRedis)
	sys.store = redisstore.New(rdb, st.RedisPrefix)
	app, err := githubapi.New(githubapi.Config{
		AppID: st.AppID, PrivateKey: st.PrivateKey, BaseURL: st.GitHubAPI,
		Cache: sys.store,
		OnRequest: func(method, path string, status int, d time.Duration) {
			sys.metrics.GitHubRequest(method, routeOf(path), status, d)
		},
		OnRateLimit: func(inst int64, n int) {
			sys.metrics.RateRemaining.WithLabelValues(fmt.Sprint(inst)).Set(float64(n))
		},
	})
	if err != nil {
		sys.Close()
		return nil, err
	}
	sys.app = app
	opts.Store, opts.GitHub, opts.Metrics, opts.Log = sys.store, clients{app}, sys.metrics, log
	opts.HTTPStatus = githubapi.StatusOf
	if opts.LedgerKey, err = st.LedgerSigningKey(log); err != nil {
		sys.Close()
		return nil, err
	}
	if opts.ClaimIdle == 0 {
		opts.ClaimIdle = st.ClaimIdle
	}
	if opts.Prober == nil && st.Probes {
		getenv := st.Getenv
		if getenv == nil {
			getenv = func(string) string { return "" }
		}
		runner, err := probe.NewRunner(st.ProbeAllow, getenv)
		if err != nil {
			sys.Close()
			return nil, err
		}
		opts.Prober = runner
	}
	if opts.Notifier == nil && st.NotifyURL != "" {
		n, err := notify.New(st.NotifyURL, notify.Options{Log: log})
		if err != nil {
			sys.Close()
			return nil, fmt.Errorf("GOLIVE_NOTIFY_URL: %w", err)
		}
		opts.Notifier = n
	}
	if opts.Workers == 0 {
		opts.Workers = st.Workers
	}
	if opts.IngestBusy == nil {
		opts.IngestBusy = func() bool { return sys.ingesting.Load() >= ingestBusy }
	}
	if opts.Reconcile == 0 {
		opts.Reconcile = st.Reconcile
	}
	if opts.RetryBudget == 0 {
		opts.RetryBudget = st.RetryBudget
	}
	dashOn, err := st.Dashboard()
	if err != nil {
		sys.Close()
		return nil, err
	}
	public := strings.TrimSuffix(st.PublicURL, "/")
	if opts.WebURL == "" {
		opts.WebURL = st.WebURL()
	}
	if dashOn && public != "" && opts.DetailsURL == nil {
		// The check run's "Details" link lands on the release's page.
		opts.DetailsURL = func(name string) string {
			k, err := worker.ParseKey(name)
			if err != nil {
				return ""
			}
			return fmt.Sprintf("%s/releases/%s/%s/%d", public, k.Owner, k.Repo, k.PR)
		}
	}
	if dashOn && public != "" && opts.Dashboard == "" {
		opts.Dashboard = public // done items in the issue link to the release's page
	}
	sys.worker = worker.New(opts)
	sys.metrics.Registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "golive_webhook_requests_in_flight",
			Help: "Signed POST /webhook deliveries being checked and queued now."}, func() float64 { return float64(sys.ingesting.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "golive_worker_stepping_down",
			Help: "1 while a signed webhook delivery is being queued and the workers step down (a backlogged queue entry handed out when none is in hand, or after 100 ms, so acks come first), else 0."},
			func() float64 { return b2f(sys.worker.SteppingDown()) }))
	// Closed before Redis (closers run last first): a cap sync still on
	// its way gets a moment, then is cancelled, its mark kept.
	sys.closers = append(sys.closers, func() { sys.worker.StopCapSyncs(5 * time.Second) })
	receiptKey, err := st.ReceiptSigningKey(log)
	if err != nil {
		sys.Close()
		return nil, err
	}
	sys.worker.UseReceipts(receiptKey, BuildVersion())
	if st.Retention > 0 {
		sys.worker.UseRetention(st.Retention)
	}
	sys.redeliver = redeliver.New(redeliver.Options{Store: sys.store, GitHub: app, Metrics: sys.metrics, Log: log, Every: st.RedeliverEvery})
	var dash *server.Dashboard
	if dashOn {
		sealer, err := server.NewSealer(st.SessionKey())
		if err != nil {
			sys.Close()
			return nil, err
		}
		dash = &server.Dashboard{
			Releases:  sys.worker,
			Accounts:  accounts{githubapi.NewAccounts(st.GitHubAPI, st.WebURL(), st.ClientID, st.ClientSecret)},
			Marks:     sys.store,
			Sealer:    sealer,
			PublicURL: public,
			Poll:      st.Poll,
			Log:       log,
		}
		dash.Receipts, dash.ReceiptKey = sys.worker, receiptKey.Public().(ed25519.PublicKey)
	}
	beforeScrape := func(ctx context.Context) {
		if q, err := sys.store.Stats(ctx); err == nil {
			sys.metrics.QueueDepth.Set(float64(q.Depth))
			sys.metrics.QueuePending.Set(float64(q.Pending))
			sys.metrics.QueueDelayed.Set(float64(q.Delayed))
			sys.metrics.QueueDead.Set(float64(q.Dead))
		}
		if n, err := sys.store.DirtyCount(ctx); err == nil {
			sys.metrics.Dirty.Set(float64(n))
		}
		if lag, err := sys.redeliver.Lag(ctx); err == nil && st.RedeliverEvery > 0 {
			sys.metrics.RedeliveryLag.Set(lag.Seconds())
		}
	}
	sys.metricsHandler = server.NewMetrics(sys.metrics, beforeScrape)
	sys.handler = server.New(server.Deps{
		Dashboard:   dash,
		ReceiptKey:  receipt.PublicPEM(receiptKey.Public().(ed25519.PublicKey)),
		Queue:       sys.store,
		Secrets:     st.Secrets(),
		MaxInFlight: int64(st.InflightMB) << 20,
		InFlight:    &sys.ingesting,
		Handled:     webhook.Handled,
		Metrics:     sys.metrics,
		Log:         log,
		Ready: []server.Check{
			{Name: "redis", Fn: sys.store.Ping},
		},
		Degraded: []*server.Reachability{server.NewReachability("github", app.CheckApp, time.Minute, func(err error) {
			up := 0.0
			if err == nil {
				up = 1
			}
			sys.metrics.GitHubReachable.Set(up)
		})},
		BeforeScrape: beforeScrape,
	})
	return sys, nil
}

// routeOf folds a request path into a bounded metric label: owner, repo
// and numbers become placeholders.
func routeOf(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i, p := range parts {
		if i > 0 && parts[i-1] == "repos" && i+1 < len(parts) {
			parts[i], parts[i+1] = "{owner}", "{repo}"
		}
		if p != "" && strings.Trim(p, "0123456789") == "" {
			parts[i] = "{n}"
		}
		if len(p) == 40 && strings.Trim(p, "0123456789abcdef") == "" {
			parts[i] = "{sha}"
		}
	}
	if len(parts) > 6 {
		parts = append(parts[:6], "…")
	}
	return "/" + strings.Join(parts, "/")
}

// accounts adapts the GitHub sign-in client to the dashboard's port.
type accounts struct{ a *githubapi.Accounts }

func (x accounts) AuthorizeURL(state, redirectURI string) string {
	return x.a.AuthorizeURL(state, redirectURI)
}

func (x accounts) Exchange(ctx context.Context, code, redirectURI string) (string, time.Duration, error) {
	t, err := x.a.Exchange(ctx, code, redirectURI)
	return t.Value, t.Expires, err
}

func (x accounts) User(ctx context.Context, token string) (string, int64, error) {
	login, id, err := x.a.User(ctx, token)
	return login, id, signedOut(err)
}

func (x accounts) CanRead(ctx context.Context, token, owner, repo string) (bool, error) {
	ok, err := x.a.CanRead(ctx, token, owner, repo)
	return ok, signedOut(err)
}

func signedOut(err error) error {
	if errors.Is(err, githubapi.ErrBadCredentials) {
		return fmt.Errorf("%w: %w", server.ErrSignedOut, err)
	}
	return err
}

// The worker is the dashboard's read side; the store keeps its marks.
var (
	_ server.Releases = (*worker.Worker)(nil)
	_ server.Marks    = (*redisstore.Store)(nil)
	_ server.Accounts = accounts{}
)

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
