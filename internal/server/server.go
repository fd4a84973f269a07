// Package server is golive's HTTP surface (gin): webhook ingest, health,
// readiness and metrics. Ingest never calls GitHub: it checks, queues and
// answers in milliseconds; the worker does the rest.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ag06mixer/golive/internal/metrics"
	"github.com/ag06mixer/golive/internal/queue"
)

// MaxPayload is GitHub's own cap on a webhook payload (25 MB); golive
// refuses larger bodies before reading them.
const MaxPayload = 25 << 20

// Defaults for the webhook bodies ingest holds: 32 MB in memory at once,
// over all requests; a request waits a second for room before it is told
// to come back (503, Retry-After); a body must arrive within 10 s, the
// time GitHub itself waits for an answer.
const (
	DefaultMaxInFlight = 32 << 20
	DefaultBodyWait    = time.Second
	DefaultBodyTimeout = 10 * time.Second
)

// Queue takes deliveries; Enqueue reports a repeat of a delivery id.
type Queue interface {
	Enqueue(ctx context.Context, d queue.Delivery) (dup bool, err error)
}

// Check is one readiness condition.
type Check struct {
	Name string
	Fn   func(ctx context.Context) error
}

// Deps are what the server needs.
type Deps struct {
	Queue Queue
	// Secrets verify webhook signatures; a second one is accepted while a
	// new secret rolls out.
	Secrets [][]byte
	// Degraded are only noted in /readyz's body (GitHub); Ready are the
	// checks it needs to pass (Redis).
	Degraded []*Reachability

	Ready   []Check
	Metrics *metrics.Metrics
	Log     *slog.Logger
	// BeforeScrape, when set, refreshes gauges before /metrics answers.
	BeforeScrape func(ctx context.Context)
	// Handled says which events are queued; others are acknowledged and
	// dropped.
	Handled map[string]bool
	// MaxPayload overrides the body cap (tests).
	MaxPayload int64
	// MaxInFlight bounds the bytes of webhook bodies held at once, over
	// all requests (default DefaultMaxInFlight). A body over it is refused
	// with 413; a body that does not fit now waits BodyWait, then is
	// refused with 503 and Retry-After.
	MaxInFlight int64
	BodyWait    time.Duration
	// BodyTimeout bounds the time a webhook body takes to arrive.
	BodyTimeout time.Duration
	// InFlight, when set, counts the signed POST /webhook requests being
	// answered now, from their signature's check to the answer: the
	// composition root lets the queue workers step down while it shows
	// the ingest saturated (worker.Options.IngestBusy). Requests still
	// sending their body, or unsigned, are not counted: nobody without the
	// secret can keep the workers stepped down.
	InFlight *atomic.Int64
	// Dashboard, when set, serves the release pages behind GitHub sign-in.
	Dashboard *Dashboard
	// ReceiptKey, when set, is the PEM public key of decision receipts,
	// served at /.well-known/golive-receipts.pub.
	ReceiptKey []byte

	inflight *budget
}

// New returns golive's HTTP handler. It panics only if the embedded
// dashboard templates do not parse, which every test would catch.
func New(d Deps) http.Handler {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Metrics == nil {
		d.Metrics = metrics.New()
	}
	if d.MaxPayload == 0 {
		d.MaxPayload = MaxPayload
	}
	if d.MaxInFlight <= 0 {
		d.MaxInFlight = DefaultMaxInFlight
	}
	if d.BodyWait <= 0 {
		d.BodyWait = DefaultBodyWait
	}
	if d.BodyTimeout <= 0 {
		d.BodyTimeout = DefaultBodyTimeout
	}
	d.inflight = newBudget(d.MaxInFlight)
	// One handler per registry is the rule (each replica has its own); a
	// second registration is refused by the registry and not counted.
	d.Metrics.Registry.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "golive_webhook_body_bytes_in_flight",
		Help: "Bytes of webhook bodies reserved by requests being read or checked now (bounded by GOLIVE_WEBHOOK_INFLIGHT_MB)."},
		func() float64 { return float64(d.inflight.inUse()) }))
	// go-github skips the check for an empty secret: never pass one on, so
	// a server without a secret refuses every delivery rather than all of
	// them passing.
	var secrets [][]byte
	for _, sec := range d.Secrets {
		if len(sec) > 0 {
			secrets = append(secrets, sec)
		}
	}
	d.Secrets = secrets
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, err any) {
		d.Log.Error("panic in handler", "path", c.Request.URL.Path, "err", err)
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
	}))
	r.HandleMethodNotAllowed = true
	var x *dash
	if d.Dashboard != nil {
		var err error
		if x, err = newDash(*d.Dashboard); err != nil {
			panic(err) // embedded templates: caught by every test
		}
	}
	routes(r, d, x)
	return r
}

func health(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "alive"}) }

func ready(d Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
		defer cancel()
		failed := gin.H{}
		for _, ch := range d.Ready {
			if err := ch.Fn(ctx); err != nil {
				failed[ch.Name] = err.Error()
			}
		}
		if len(failed) > 0 {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "failed": failed})
			return
		}
		degraded := gin.H{}
		for _, r := range d.Degraded {
			switch known, err := r.Status(); {
			case !known:
				degraded[r.name] = "not checked yet"
			case err != nil:
				degraded[r.name] = "unreachable: " + err.Error()
			}
		}
		if len(degraded) > 0 {
			c.JSON(http.StatusOK, gin.H{"status": "ready", "degraded": degraded})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	}
}
