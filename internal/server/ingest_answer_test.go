package server_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
	"github.com/ag06mixer/golive/internal/server"
	"github.com/ag06mixer/golive/internal/webhook"
)

// TestIngestAnswersAndLogs: each answer that is not a refusal is the JSON
// {"status": outcome}, as gin's JSON writes it; a refusal after the
// headers were read logs which delivery and event it refused, and an
// accepted delivery logs nothing above debug.
func TestIngestAnswersAndLogs(t *testing.T) {
	r := redistest.New(t)
	var logged bytes.Buffer
	level := new(slog.LevelVar)
	level.Set(slog.LevelInfo)
	q := &downQueue{Store: redisstore.New(r.Client, r.Prefix)}
	h := server.New(server.Deps{Queue: q, Secrets: [][]byte{[]byte("s")}, Handled: webhook.Handled,
		Log: slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: level}))})
	body := readPayload(t, "check_run/completed.json")
	send := func(event, id, sig string, body []byte) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", event)
		req.Header.Set("X-GitHub-Delivery", id)
		req.Header.Set("X-Hub-Signature-256", sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	for _, c := range []struct {
		event, id string
		body      []byte
		code      int
		want      string
	}{
		{"check_run", "answer-1", body, 202, `{"status":"queued"}`},
		{"check_run", "answer-1", body, 200, `{"status":"duplicate"}`},
		{"gollum", "answer-2", []byte(`{"pages":[]}`), 202, `{"status":"ignored"}`},
		{"ping", "answer-3", []byte(`{"zen":"Keep it logically awesome."}`), 200, `{"status":"ping"}`},
	} {
		w := send(c.event, c.id, sign("s", c.body), c.body)
		if w.Code != c.code || w.Body.String() != c.want || w.Header().Get("Content-Type") != "application/json; charset=utf-8" {
			t.Errorf("%s %s: %d %s (%s), want %d %s", c.event, c.id, w.Code, w.Body, w.Header().Get("Content-Type"), c.code, c.want)
		}
	}
	if logged.Len() != 0 {
		t.Errorf("accepted deliveries logged above debug: %s", logged.String())
	}
	w := send("check_run", "answer-4", sign("guess", body), body)
	line := logged.String()
	if w.Code != http.StatusUnauthorized || !strings.Contains(line, "webhook refused") || !strings.Contains(line, "delivery=answer-4") ||
		!strings.Contains(line, "event=check_run") || !strings.Contains(line, "status=401") {
		t.Errorf("a refused delivery answered %d and logged %q: want its delivery, event and status", w.Code, line)
	}
	// Redis down: the error names the delivery and event, and its cause.
	logged.Reset()
	q.down.Store(true)
	w = send("check_run", "answer-5", sign("s", body), body)
	line = ""
	for l := range strings.Lines(logged.String()) {
		if strings.Contains(l, `msg="queue unavailable"`) {
			line = l // its own line, not the refusal logged after it
		}
	}
	if w.Code != http.StatusServiceUnavailable || line == "" || !strings.Contains(line, "delivery=answer-5") ||
		!strings.Contains(line, "event=check_run") || !strings.Contains(line, "connection refused") {
		t.Errorf("a delivery Redis did not take answered %d and logged %q: want its delivery, event and cause", w.Code, line)
	}
	// At debug, an accepted delivery says which it was.
	logged.Reset()
	q.down.Store(false)
	level.Set(slog.LevelDebug)
	w = send("check_run", "answer-6", sign("s", body), body)
	if line = logged.String(); w.Code != http.StatusAccepted || !strings.Contains(line, "msg=queued") || !strings.Contains(line, "delivery=answer-6") || !strings.Contains(line, "event=check_run") {
		t.Errorf("an accepted delivery answered %d and logged %q at debug: want its delivery and event", w.Code, line)
	}
}
