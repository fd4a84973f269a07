package server_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/metrics"
	"github.com/ag06mixer/golive/internal/redisstore"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
	"github.com/ag06mixer/golive/internal/server"
	"github.com/ag06mixer/golive/internal/webhook"
)

const limitsSecret = "limits-test-secret-0123456789"

type limitsServer struct {
	t     *testing.T
	url   string
	store *redisstore.Store
	m     *metrics.Metrics
	h     http.Handler
}

func newLimitsServer(t *testing.T, d server.Deps) *limitsServer {
	r := redistest.New(t)
	s := &limitsServer{t: t, store: redisstore.New(r.Client, r.Prefix), m: metrics.New()}
	d.Queue, d.Secrets, d.Handled, d.Metrics = s.store, [][]byte{[]byte(limitsSecret)}, webhook.Handled, s.m
	s.h = server.New(d)
	srv := httptest.NewServer(s.h)
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// inFlight reads the golive_webhook_body_bytes_in_flight gauge.
func (s *limitsServer) inFlight() string {
	w := httptest.NewRecorder()
	server.NewMetrics(s.m, nil).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for line := range strings.Lines(w.Body.String()) {
		if v, ok := strings.CutPrefix(line, "golive_webhook_body_bytes_in_flight "); ok {
			return strings.TrimSpace(v)
		}
	}
	s.t.Fatal("no golive_webhook_body_bytes_in_flight in /metrics")
	return ""
}

// waitInFlight waits until the gauge reads want.
func (s *limitsServer) waitInFlight(want string) {
	s.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if s.inFlight() == want {
			return
		}
	}
	s.t.Fatalf("bytes in flight stayed %s, want %s", s.inFlight(), want)
}

func (s *limitsServer) post(id string, body []byte, header map[string]string) *http.Response {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.url+"/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "pull_request")
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set("X-Hub-Signature-256", sign(limitsSecret, body))
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// openSlow starts a signed POST that declares body's length and sends only
// its first n bytes; the rest is written by the returned function.
func (s *limitsServer) openSlow(id string, body []byte, n int) (net.Conn, func()) {
	s.t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "POST /webhook HTTP/1.1\r\nHost: golive\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"+
		"X-GitHub-Event: pull_request\r\nX-GitHub-Delivery: %s\r\nX-Hub-Signature-256: %s\r\n\r\n", len(body), id, sign(limitsSecret, body))
	c.Write(body[:n])
	return c, func() { c.Write(body[n:]) }
}

// status reads the HTTP status line the server sent on c; a guard
// deadline turns a server that never answers into a failure, not a hang.
func status(t *testing.T, c net.Conn) int {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer on the held request: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// padded is the opened payload padded with trailing spaces to n bytes.
func padded(t *testing.T, n int) []byte {
	b := readPayload(t, "pull_request/opened.json")
	if len(b) > n {
		t.Fatalf("payload is %d bytes, over %d", len(b), n)
	}
	return append(b, bytes.Repeat([]byte(" "), n-len(b))...)
}

// TestIngestBodyBudget: bodies reserve their bytes from one budget. While
// one body holds most of it, the next that does not fit is told to come
// back (503, Retry-After), one larger than the whole budget is refused
// (413), and once the first is answered its bytes are free again.
func TestIngestBodyBudget(t *testing.T) {
	s := newLimitsServer(t, server.Deps{MaxInFlight: 64 << 10, BodyWait: 50 * time.Millisecond})
	first := padded(t, 40<<10)
	c, rest := s.openSlow("held-1", first, 1024)
	s.waitInFlight(fmt.Sprint(len(first)))

	second := padded(t, 40<<10)
	resp := s.post("second-1", second, nil)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("a body that does not fit beside one in flight: %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if resp := s.post("whole-1", padded(t, 65<<10), nil); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a body over the whole budget: %d, want 413", resp.StatusCode)
	}

	rest()
	if got := status(t, c); got != http.StatusAccepted {
		t.Errorf("the held body, once sent: %d, want 202", got)
	}
	s.waitInFlight("0")
	if resp := s.post("second-1", second, nil); resp.StatusCode != http.StatusAccepted {
		t.Errorf("the refused body, sent again: %d, want 202", resp.StatusCode)
	}
	if st, _ := s.store.Stats(context.Background()); st.Depth != 2 {
		t.Errorf("queue holds %d deliveries, want 2", st.Depth)
	}
}

// TestIngestSlowBodyTimesOut: a body that stops arriving is answered 408
// when its time is up, and its reservation is given back.
func TestIngestSlowBodyTimesOut(t *testing.T) {
	s := newLimitsServer(t, server.Deps{BodyTimeout: 200 * time.Millisecond})
	body := padded(t, 32<<10)
	c, _ := s.openSlow("slow-1", body, 100)
	if got := status(t, c); got != http.StatusRequestTimeout {
		t.Errorf("stalled body: %d, want 408", got)
	}
	s.waitInFlight("0")
}

// TestIngestSHA1Refused: a delivery signed only with the SHA-1
// X-Hub-Signature (correctly) is refused; GitHub always sends the SHA-256 one.
func TestIngestSHA1Refused(t *testing.T) {
	s := newLimitsServer(t, server.Deps{})
	body := readPayload(t, "pull_request/opened.json")
	resp := s.post("sha1-1", body, map[string]string{"X-Hub-Signature-256": "", "X-Hub-Signature": sha1Sign(limitsSecret, body)})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("SHA-1 signature only: %d, want 401", resp.StatusCode)
	}
	if st, _ := s.store.Stats(context.Background()); st.Depth != 0 {
		t.Errorf("queue holds %d deliveries, want 0", st.Depth)
	}
}

// TestIngestDeliveryIDShape: a delivery id that is not GitHub's shape is
// refused before it is logged or used as the dedupe key.
func TestIngestDeliveryIDShape(t *testing.T) {
	body := readPayload(t, "pull_request/opened.json")
	for _, c := range []struct {
		id   string
		want int
	}{
		{"72d3162e-cc78-11e3-81ab-4c9367dc0958", http.StatusAccepted},
		{strings.Repeat("a", 64), http.StatusAccepted},
		{strings.Repeat("a", 65), http.StatusBadRequest},
		{strings.Repeat("f", 10000), http.StatusBadRequest},
		{"a b", http.StatusBadRequest},
		{"refresh:o/r#1", http.StatusBadRequest},
		{"probe-o/r#1-item-1", http.StatusBadRequest},
		{"../../etc", http.StatusBadRequest},
		{"id\t1", http.StatusBadRequest},
		{"\x1b[31mred", http.StatusBadRequest},
		{"ünï", http.StatusBadRequest},
		{`{"msg":"x"}`, http.StatusBadRequest},
	} {
		t.Run(fmt.Sprintf("%.20q", c.id), func(t *testing.T) {
			var logs bytes.Buffer
			s := newLimitsServer(t, server.Deps{Log: newTextLogger(&logs)})
			w := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
			req.Header.Set("X-GitHub-Event", "pull_request")
			req.Header.Set("X-GitHub-Delivery", c.id)
			req.Header.Set("X-Hub-Signature-256", sign(limitsSecret, body))
			s.h.ServeHTTP(w, req)
			if w.Code != c.want {
				t.Fatalf("got %d %s, want %d", w.Code, w.Body, c.want)
			}
			st, _ := s.store.Stats(context.Background())
			if c.want != http.StatusAccepted {
				if st.Depth != 0 {
					t.Errorf("queue holds %d deliveries, want 0", st.Depth)
				}
				if strings.Contains(logs.String(), c.id) || strings.Contains(logs.String(), fmt.Sprintf("%q", c.id)) {
					t.Errorf("the refused id reached the log:\n%s", logs.String())
				}
			}
		})
	}
}

func sha1Sign(secret string, body []byte) string {
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write(body)
	return "sha1=" + hex.EncodeToString(mac.Sum(nil))
}

func newTextLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
