package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/worker"
)

// ingest is POST /webhook: size cap → signature → decode → dedupe and
// queue → 202. It never calls GitHub.
func ingest(d Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		event := c.GetHeader("X-GitHub-Event")
		id := c.GetHeader("X-GitHub-Delivery")
		log := d.Log.With("delivery", id, "event", event)
		answer := func(status int, outcome, msg string) {
			d.Metrics.Deliveries.WithLabelValues(metricEvent(event, d.Handled), outcome).Inc()
			d.Metrics.DeliveryDuration.WithLabelValues(outcome).Observe(time.Since(start).Seconds())
			if status >= 400 {
				log.Warn("webhook refused", "status", status, "reason", msg)
				c.JSON(status, gin.H{"error": msg})
				return
			}
			c.JSON(status, gin.H{"status": outcome})
		}

		// 1. Size: refuse before reading what GitHub itself would not send.
		if c.Request.ContentLength > d.MaxPayload {
			answer(http.StatusRequestEntityTooLarge, "too_large", "payload over the 25 MB limit")
			return
		}
		buf := bytes.NewBuffer(make([]byte, 0, max(min(c.Request.ContentLength, d.MaxPayload), 512)+1))
		_, err := buf.ReadFrom(http.MaxBytesReader(c.Writer, c.Request.Body, d.MaxPayload))
		body := buf.Bytes()
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				answer(http.StatusRequestEntityTooLarge, "too_large", "payload over the 25 MB limit")
				return
			}
			answer(http.StatusBadRequest, "bad_request", "could not read the body")
			return
		}

		// 2. Signature, with each configured secret (rotation).
		sig := c.GetHeader(github.SHA256SignatureHeader)
		if sig == "" {
			sig = c.GetHeader(github.SHA1SignatureHeader)
		}
		ct := c.ContentType()
		if ct == "" {
			ct = "application/json" // GitHub always says; a bare client may not
		}
		var payload []byte
		for _, secret := range d.Secrets {
			p, err := github.ValidatePayloadFromBody(ct, bytes.NewReader(body), sig, secret)
			if err == nil {
				payload = p
				break
			}
		}
		if payload == nil {
			answer(http.StatusUnauthorized, "bad_signature", "missing or invalid X-Hub-Signature-256")
			return
		}
		if event == "" || id == "" {
			answer(http.StatusBadRequest, "bad_request", "missing X-GitHub-Event or X-GitHub-Delivery header")
			return
		}
		if event == "ping" {
			answer(http.StatusOK, "ping", "")
			return
		}

		// 3. Decode: the whole body must be a JSON object. Its fields are
		// read by the worker (which logs installation and repo); checking
		// here is half the cost of decoding here.
		if t := bytes.TrimSpace(payload); len(t) == 0 || t[0] != '{' || !json.Valid(t) {
			answer(http.StatusBadRequest, "malformed", "payload is not a JSON object")
			return
		}
		if d.Handled != nil && !d.Handled[event] {
			answer(http.StatusAccepted, "ignored", "")
			return
		}

		// 4 and 5. Dedupe on the delivery id and queue, in one step.
		dup, err := d.Queue.Enqueue(c.Request.Context(), worker.Delivery{ID: id, Event: event, Payload: payload, Received: time.Now()})
		if err != nil {
			log.Error("queue unavailable", "err", err)
			answer(http.StatusServiceUnavailable, "error", "queue unavailable; redeliver from the App's settings")
			return
		}
		if dup {
			answer(http.StatusOK, "duplicate", "")
			return
		}
		log.Debug("queued")
		answer(http.StatusAccepted, "queued", "")
	}
}

// metricEvent keeps the event label bounded: names golive does not handle
// are counted as "other".
func metricEvent(event string, handled map[string]bool) string {
	if event == "ping" || handled[event] {
		return event
	}
	return "other"
}
