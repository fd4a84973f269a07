package server

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ag06mixer/golive/internal/metrics"
)

// routes lists every route golive serves.
func routes(r *gin.Engine, d Deps) {
	r.POST("/webhook", ingest(d))
	r.GET("/healthz", health)
	r.GET("/readyz", ready(d))
	r.POST("/api/validate", validateAPI(d))
	if d.ReceiptKey != nil {
		r.GET("/.well-known/golive-receipts.pub", receiptKey(d.ReceiptKey))
	}
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
