package server

import (
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes lists every route golive serves.
func routes(r *gin.Engine, d Deps) {
	r.POST("/webhook", ingest(d))
	r.GET("/healthz", health)
	r.GET("/readyz", ready(d))
	if d.ReceiptKey != nil {
		r.GET("/.well-known/golive-receipts.pub", receiptKey(d.ReceiptKey))
	}
	metrics := promhttp.HandlerFor(d.Metrics.Registry, promhttp.HandlerOpts{})
	r.GET("/metrics", func(c *gin.Context) {
		if d.BeforeScrape != nil {
			d.BeforeScrape(c.Request.Context())
		}
		metrics.ServeHTTP(c.Writer, c.Request)
	})
}
