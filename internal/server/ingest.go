package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ag06mixer/golive/internal/queue"
)

// deliveryID is what an X-GitHub-Delivery may be: GitHub sends a GUID
// (36 characters of hex and dashes). Anything else is refused before it
// is logged or used as the dedupe key.
var deliveryID = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)

// eventName is what an X-GitHub-Event may be (pull_request, check_run…).
var eventName = regexp.MustCompile(`^[a-z_]{1,64}$`)

// ingest is POST /webhook: headers → size → memory budget → bounded read
// and signature → decode → dedupe and queue → 202. It never calls GitHub.
func ingest(d Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		event := c.GetHeader("X-GitHub-Event")
		id := c.GetHeader("X-GitHub-Delivery")
		// what says which delivery a log line is about; logged only when a
		// line is written (a logger's With costs every delivery).
		var what []any
		answer := func(status int, outcome, msg string) {
			d.Metrics.Deliveries.WithLabelValues(metricEvent(event, d.Handled), outcome).Inc()
			d.Metrics.DeliveryDuration.WithLabelValues(outcome).Observe(time.Since(start).Seconds())
			if status >= 400 {
				d.Log.Warn("webhook refused", append(what, "status", status, "reason", msg)...)
				c.JSON(status, gin.H{"error": msg})
				return
			}
			c.Data(status, jsonType, statusBody(outcome))
		}

		// 1. Headers, before a byte of the body is read. Only the SHA-256
		// signature is accepted: SHA-1 is not enough for a merge gate.
		sig := c.GetHeader("X-Hub-Signature-256")
		if sig == "" {
			msg := "missing X-Hub-Signature-256"
			if c.GetHeader("X-Hub-Signature") != "" {
				msg = "X-Hub-Signature (SHA-1) alone is not accepted: golive checks X-Hub-Signature-256"
			}
			answer(http.StatusUnauthorized, "bad_signature", msg)
			return
		}
		mac, ok := parseSignature(sig)
		if !ok || len(d.Secrets) == 0 {
			answer(http.StatusUnauthorized, "bad_signature", "missing or invalid X-Hub-Signature-256")
			return
		}
		if event == "" || id == "" {
			answer(http.StatusBadRequest, "bad_request", "missing X-GitHub-Event or X-GitHub-Delivery header")
			return
		}
		if !deliveryID.MatchString(id) {
			what = append(what, "delivery_bytes", len(id))
			answer(http.StatusBadRequest, "bad_request", "X-GitHub-Delivery is not a GitHub delivery id (letters, digits and '-', at most 64)")
			return
		}
		what = append(what, "delivery", id)
		if !eventName.MatchString(event) {
			event = "other"
			answer(http.StatusBadRequest, "bad_request", "X-GitHub-Event is not an event name")
			return
		}
		what = append(what, "event", event)

		// 2. Size: refuse before reading what GitHub itself would not send,
		// or what this server could never hold at once.
		limit := min(d.MaxPayload, d.inflight.cap)
		if c.Request.ContentLength > limit {
			answer(http.StatusRequestEntityTooLarge, "too_large", "payload over the "+megabytes(limit)+" limit")
			return
		}

		// 3. Memory: reserve the body's bytes from the budget shared by
		// every request; a body of unknown length reserves the limit.
		need := c.Request.ContentLength
		if need < 0 {
			need = limit
		}
		wait, cancel := context.WithTimeout(c.Request.Context(), d.BodyWait)
		got := d.inflight.acquire(wait, need)
		cancel()
		if !got {
			c.Header("Retry-After", "5")
			answer(http.StatusServiceUnavailable, "busy", "too many webhook bodies in flight; retry later")
			return
		}
		defer d.inflight.release(need)

		// 4. Read, within a deadline (a slow body holds its reservation only
		// so long), into one buffer of the reserved size.
		rc := http.NewResponseController(c.Writer)
		rc.SetReadDeadline(time.Now().Add(d.BodyTimeout))
		body, err := readBody(http.MaxBytesReader(c.Writer, c.Request.Body, limit), c.Request.ContentLength, limit)
		rc.SetReadDeadline(time.Time{})
		if err != nil {
			var tooBig *http.MaxBytesError
			switch {
			case errors.As(err, &tooBig):
				answer(http.StatusRequestEntityTooLarge, "too_large", "payload over the "+megabytes(limit)+" limit")
			case errors.Is(err, os.ErrDeadlineExceeded):
				c.Header("Connection", "close")
				answer(http.StatusRequestTimeout, "timeout", "the body did not arrive in time")
			default:
				answer(http.StatusBadRequest, "bad_request", "could not read the body")
			}
			return
		}

		// 5. Signature, with each configured secret (rotation), over the
		// bytes as sent.
		if !signedBy(body, mac, d.Secrets) {
			answer(http.StatusUnauthorized, "bad_signature", "missing or invalid X-Hub-Signature-256")
			return
		}
		// Counted from here, signed and read: what no one without the
		// secret can hold, and what the workers step down for.
		if d.InFlight != nil {
			d.InFlight.Add(1)
			defer d.InFlight.Add(-1)
		}
		if event == "ping" {
			answer(http.StatusOK, "ping", "")
			return
		}
		payload := body
		if ct, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); ct == "application/x-www-form-urlencoded" {
			form, err := url.ParseQuery(string(body))
			if err != nil {
				answer(http.StatusBadRequest, "malformed", "form body does not parse")
				return
			}
			payload = []byte(form.Get("payload"))
		}

		// 6. Shape: the body must start as a JSON object. Only a sender
		// holding the secret gets this far, so the full decode is left to
		// the worker, which dead-letters a malformed payload at once with
		// its reason; validating it here cost 42 % of the handler (#18).
		if t := bytes.TrimSpace(payload); len(t) == 0 || t[0] != '{' {
			answer(http.StatusBadRequest, "malformed", "payload is not a JSON object")
			return
		}
		if d.Handled != nil && !d.Handled[event] {
			answer(http.StatusAccepted, "ignored", "")
			return
		}

		// 7. Dedupe on the delivery id and queue, in one step.
		dup, err := d.Queue.Enqueue(c.Request.Context(), queue.Delivery{ID: id, Event: event, Payload: payload, Received: time.Now()})
		if err != nil {
			d.Log.Error("queue unavailable", append(what, "err", err)...)
			answer(http.StatusServiceUnavailable, "error", "queue unavailable; redeliver from the App's settings")
			return
		}
		if dup {
			answer(http.StatusOK, "duplicate", "")
			return
		}
		d.Log.Debug("queued", what...)
		answer(http.StatusAccepted, "queued", "")
	}
}

// jsonType is what gin's JSON answers are sent as.
const jsonType = "application/json; charset=utf-8"

// statusBodies are the bodies of the answers that are not refusals, as
// gin's JSON would write them, made once instead of per delivery.
var statusBodies = func() map[string][]byte {
	m := map[string][]byte{}
	for _, outcome := range []string{"queued", "duplicate", "ignored", "ping"} {
		m[outcome], _ = json.Marshal(map[string]string{"status": outcome})
	}
	return m
}()

// statusBody is {"status": outcome}.
func statusBody(outcome string) []byte {
	if b, ok := statusBodies[outcome]; ok {
		return b
	}
	b, _ := json.Marshal(map[string]string{"status": outcome})
	return b
}

// parseSignature reads "sha256=<64 hex digits>".
func parseSignature(sig string) ([]byte, bool) {
	hexMAC, ok := strings.CutPrefix(sig, "sha256=")
	if !ok || len(hexMAC) != 2*sha256.Size {
		return nil, false
	}
	mac, err := hex.DecodeString(hexMAC)
	return mac, err == nil
}

// signedBy reports whether mac is body's HMAC-SHA256 under one of secrets.
func signedBy(body, mac []byte, secrets [][]byte) bool {
	for _, secret := range secrets {
		h := hmac.New(sha256.New, secret)
		h.Write(body)
		if hmac.Equal(h.Sum(nil), mac) {
			return true
		}
	}
	return false
}

// readBody reads a body of declared length n (-1: unknown) into one
// buffer: exactly n bytes when declared, else grown up to limit.
func readBody(r io.Reader, n, limit int64) ([]byte, error) {
	if n >= 0 {
		buf := make([]byte, n)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	buf := make([]byte, 0, min(limit, 64<<10))
	for {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(max(2*int64(cap(buf)), 512), limit+1))
			copy(grown, buf)
			buf = grown
		}
		k, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+k]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func megabytes(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return strconv.FormatInt(n, 10) + " byte"
}

// metricEvent keeps the event label bounded: names golive does not handle
// are counted as "other".
func metricEvent(event string, handled map[string]bool) string {
	if event == "ping" || handled[event] {
		return event
	}
	return "other"
}
