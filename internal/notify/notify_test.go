package notify

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// receiver is a local incoming-webhook endpoint answering the statuses
// given, in turn (200 once they run out), and keeping what it got.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	bodies   [][]byte
	headers  []http.Header
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.bodies = append(r.bodies, b)
	r.headers = append(r.headers, req.Header.Clone())
	st := http.StatusOK
	if len(r.statuses) > 0 {
		st, r.statuses = r.statuses[0], r.statuses[1:]
	}
	r.mu.Unlock()
	if st == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "0")
	}
	w.WriteHeader(st)
	_, _ = w.Write([]byte(strings.Repeat("x", 10<<10))) // more than is read
}

func (r *receiver) got() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.bodies)
}

const secretPath = "/services/T000/B000/s3cr3tT0k3n"

const goodMessage = `{"text":"Ready: r","blocks":[{"type":"header","text":{"type":"plain_text","text":"Ready: r"}},` +
	`{"type":"section","text":{"type":"mrkdwn","text":"*Release* r"}},` +
	`{"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"Tracking issue"},"url":"https://github.com/o/r/issues/2"}]},` +
	`{"type":"context","elements":[{"type":"mrkdwn","text":"golive · ready"}]}]}`

func newNotifier(t *testing.T, url string, logs *bytes.Buffer) *Notifier {
	t.Helper()
	n, err := New(url, Options{Attempts: 3, Backoff: time.Millisecond, Timeout: 5 * time.Second,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func noSecret(t *testing.T, where string, s string) {
	t.Helper()
	for _, bad := range []string{secretPath, "s3cr3tT0k3n", "B000"} {
		if strings.Contains(s, bad) {
			t.Fatalf("%s carries the notify URL's secret %q: %s", where, bad, s)
		}
	}
}

func TestNotifyRetriesOn500ThenSucceeds(t *testing.T) {
	rcv := &receiver{statuses: []int{500}}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	var logs bytes.Buffer
	n := newNotifier(t, srv.URL+secretPath, &logs)
	if err := n.Notify(context.Background(), []byte(goodMessage)); err != nil {
		t.Fatal(err)
	}
	if rcv.got() != 2 {
		t.Fatalf("receiver got %d posts, want 2 (a 500, then the retry)", rcv.got())
	}
	if !bytes.Equal(rcv.bodies[1], []byte(goodMessage)) || rcv.headers[1].Get("Content-Type") != "application/json" {
		t.Fatalf("retry posted %q (%s)", rcv.bodies[1], rcv.headers[1].Get("Content-Type"))
	}
	if !strings.Contains(logs.String(), "status=500") {
		t.Fatalf("the retry is not logged: %s", logs.String())
	}
	noSecret(t, "log", logs.String())
}

func TestNotifyRetriesOn429AndStopsAfterAttempts(t *testing.T) {
	rcv := &receiver{statuses: []int{429, 503, 502, 500}}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	var logs bytes.Buffer
	err := newNotifier(t, srv.URL+secretPath, &logs).Notify(context.Background(), []byte(goodMessage))
	var ne *Error
	if !errors.As(err, &ne) || ne.Status != 502 || ne.Attempts != 3 || ne.Permanent() {
		t.Fatalf("err = %v, want a retryable HTTP 502 after 3 attempts", err)
	}
	if rcv.got() != 3 {
		t.Fatalf("receiver got %d posts, want 3 (Attempts)", rcv.got())
	}
	noSecret(t, "error", err.Error())
	noSecret(t, "log", logs.String())
}

func TestNotifyDoesNotRetryOtherClientErrors(t *testing.T) {
	for _, st := range []int{400, 403, 404, 410, 302} {
		rcv := &receiver{statuses: []int{st}}
		srv := httptest.NewServer(rcv)
		var logs bytes.Buffer
		err := newNotifier(t, srv.URL+secretPath, &logs).Notify(context.Background(), []byte(goodMessage))
		srv.Close()
		var ne *Error
		if !errors.As(err, &ne) || ne.Status != st || !ne.Permanent() {
			t.Fatalf("%d: err = %v, want a permanent error", st, err)
		}
		if rcv.got() != 1 {
			t.Fatalf("%d: receiver got %d posts, want 1 (no retry)", st, rcv.got())
		}
	}
}

func TestNotifyNetworkErrorIsRetriedAndNamesNoURL(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens: connection refused
	var logs bytes.Buffer
	err = newNotifier(t, "http://"+addr+secretPath, &logs).Notify(context.Background(), []byte(goodMessage))
	var ne *Error
	if !errors.As(err, &ne) || ne.Status != 0 || ne.Attempts != 3 || ne.Permanent() {
		t.Fatalf("err = %v, want a retryable network error after 3 attempts", err)
	}
	if !strings.Contains(err.Error(), "refused") {
		t.Fatalf("the error does not say what failed: %v", err)
	}
	noSecret(t, "error", err.Error())
	noSecret(t, "log", logs.String())
	if strings.Count(logs.String(), "trying again") != 2 {
		t.Fatalf("want 2 retries logged: %s", logs.String())
	}
}

func TestNotifyTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	n, err := New(srv.URL+secretPath, Options{Attempts: 1, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	err = n.Notify(context.Background(), []byte(goodMessage))
	var ne *Error
	if !errors.As(err, &ne) || ne.Permanent() || ne.Status != 0 {
		t.Fatalf("err = %v, want a retryable timeout", err)
	}
	noSecret(t, "error", err.Error())
}

func TestNotifyRefusesBadMessagesWithoutPosting(t *testing.T) {
	rcv := &receiver{}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	n := newNotifier(t, srv.URL+secretPath, &bytes.Buffer{})
	for name, body := range map[string]string{
		"not json":    "{",
		"no text":     `{"blocks":[{"type":"section","text":{"type":"mrkdwn","text":"x"}}]}`,
		"no blocks":   `{"text":"x","blocks":[]}`,
		"long header": `{"text":"x","blocks":[{"type":"header","text":{"type":"plain_text","text":"` + strings.Repeat("h", 151) + `"}}]}`,
		"mrkdwn head": `{"text":"x","blocks":[{"type":"header","text":{"type":"mrkdwn","text":"h"}}]}`,
		"button url":  `{"text":"x","blocks":[{"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"b"}}]}]}`,
		"odd block":   `{"text":"x","blocks":[{"type":"video"}]}`,
		"too big":     `{"text":"` + strings.Repeat("a", MaxBody) + `","blocks":[]}`,
	} {
		err := n.Notify(context.Background(), []byte(body))
		var ne *Error
		if !errors.As(err, &ne) || !ne.Permanent() {
			t.Fatalf("%s: err = %v, want a permanent refusal", name, err)
		}
	}
	if rcv.got() != 0 {
		t.Fatalf("bad messages were posted %d times", rcv.got())
	}
}

func TestNewRefusesBadURLsWithoutEchoingThem(t *testing.T) {
	for _, u := range []string{"", "ftp://h" + secretPath, "https://" + secretPath[1:] + "%zz", "/just" + secretPath} {
		_, err := New(u, Options{})
		if err == nil {
			t.Fatalf("%q accepted", u)
		}
		noSecret(t, "error", err.Error())
	}
}
