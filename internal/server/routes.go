package server

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ag06mixer/golive/internal/metrics"
)

// Every route golive serves is in this file: the three handlers golive
// can run (New with credentials, NewSetup without, NewMetrics on its own
// port) and the routes each one carries.

// routes are the routes of golive with credentials: the webhook, health,
// the validate API, the receipts key when receipts are signed, and the
// dashboard (x) when it is on.
func routes(r *gin.Engine, d Deps, x *dash) {
	r.POST("/webhook", ingest(d))
	r.GET("/healthz", health)
	r.GET("/readyz", ready(d))
	r.POST("/api/validate", validateAPI(d))
	if d.ReceiptKey != nil {
		r.GET("/.well-known/golive-receipts.pub", receiptKey(d.ReceiptKey))
	}
	if x == nil {
		return
	}
	g := r.Group("/", x.headers)
	g.GET("/", x.home)
	g.GET("/assets/*file", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=3600")
		x.assets.ServeHTTP(c.Writer, c.Request)
	})
	g.GET("/login", x.login)
	g.GET("/auth/callback", x.callback)
	g.POST("/logout", x.sameOrigin, x.session(false), x.csrf, x.logout)
	g.GET("/releases", x.session(true), x.list)
	g.GET("/releases/:owner/:repo/:pr", x.session(true), x.release)
	g.POST("/releases/:owner/:repo/:pr/refresh", x.sameOrigin, x.session(false), x.csrf, x.refresh)
}

// NewSetup is the handler of a golive without credentials: /healthz and
// the setup pages, nothing else.
func NewSetup(s *Setup) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery())
	r.GET("/healthz", health)
	r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/setup") })
	r.GET("/setup", s.page)
	r.GET("/setup/callback", s.callback)
	return r
}

// NewMetrics serves /metrics (and /healthz) on a listener of its own
// (GOLIVE_METRICS_ADDR), so the port the internet reaches for webhooks
// does not publish golive's figures. before, when set, refreshes gauges
// first.
func NewMetrics(m *metrics.Metrics, before func(ctx context.Context)) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery())
	h := promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
	r.GET("/metrics", func(c *gin.Context) {
		if before != nil {
			before(c.Request.Context())
		}
		h.ServeHTTP(c.Writer, c.Request)
	})
	r.GET("/healthz", health)
	return r
}
