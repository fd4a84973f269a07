// Package notify posts release events to an incoming-webhook URL (Slack's
// format; render.Notice builds the message). The URL is a secret: Slack's
// carries the token that lets anyone post to the channel, so it is never
// logged and never part of an error.
package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Defaults of Options.
const (
	DefaultAttempts = 3
	DefaultBackoff  = 500 * time.Millisecond
	DefaultTimeout  = 10 * time.Second
	// MaxBackoff caps a pause between attempts, Retry-After included:
	// the queue retries later anyway.
	MaxBackoff = 5 * time.Second
	// MaxBody is the largest message posted; render.Notice stays far under.
	MaxBody = 64 << 10
	// maxAnswer is how much of an answer is read (and thrown away).
	maxAnswer = 4 << 10
)

// Options configure a Notifier. Zero values take the defaults.
type Options struct {
	// Attempts bounds the POSTs of one message (default 3).
	Attempts int
	// Backoff is the first pause between attempts, doubled after each
	// (default 500ms, capped at MaxBackoff).
	Backoff time.Duration
	// Timeout bounds one attempt (default 10s).
	Timeout time.Duration
	// Transport is the HTTP transport (default http.DefaultTransport).
	Transport http.RoundTripper
	Log       *slog.Logger
}

// Notifier posts messages to one incoming-webhook URL.
type Notifier struct {
	url    string
	o      Options
	client *http.Client
}

// New checks the URL (http or https, with a host) and returns its
// notifier. The error never repeats the URL.
func New(raw string, o Options) (*Notifier, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("notify URL: want an http or https URL with a host")
	}
	if o.Attempts <= 0 {
		o.Attempts = DefaultAttempts
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultBackoff
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	c := &http.Client{
		Transport: o.Transport,
		Timeout:   o.Timeout,
		// A redirect is an answer, not a place to send the message to.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &Notifier{url: raw, o: o, client: c}, nil
}

// Error is a failed notification. Its text names the status or the
// network failure, never the URL.
type Error struct {
	Status   int // 0 for a network failure
	Attempts int
	cause    string
	final    bool
}

func (e *Error) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("notify: HTTP %d after %d attempt(s)", e.Status, e.Attempts)
	}
	return fmt.Sprintf("notify: %s after %d attempt(s)", e.cause, e.Attempts)
}

// Permanent reports whether sending the message again cannot help: the
// receiver refused it (a 4xx other than 408 and 429, or a redirect).
func (e *Error) Permanent() bool { return e.final }

// Notify posts body (JSON) and returns once the receiver answered 2xx,
// after at most Attempts tries: network errors, 408, 429 and 5xx are
// tried again after a pause (Retry-After when given, capped), any other
// answer is final.
func (n *Notifier) Notify(ctx context.Context, body []byte) error {
	if len(body) > MaxBody {
		return &Error{cause: fmt.Sprintf("message of %d bytes is over %d", len(body), MaxBody), final: true}
	}
	if err := CheckShape(body); err != nil {
		return &Error{cause: "not a Slack message: " + err.Error(), final: true}
	}
	pause := n.o.Backoff
	var last *Error
	for attempt := 1; attempt <= n.o.Attempts; attempt++ {
		status, wait, err := n.post(ctx, body)
		switch {
		case err == nil && status/100 == 2:
			return nil
		case err != nil:
			last = &Error{Attempts: attempt, cause: err.Error()}
		case status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500:
			last = &Error{Status: status, Attempts: attempt}
		default:
			return &Error{Status: status, Attempts: attempt, final: true}
		}
		if attempt == n.o.Attempts || ctx.Err() != nil {
			break
		}
		d := min(max(pause, wait), MaxBackoff)
		n.o.Log.Warn("notification not taken; trying again", "status", last.Status, "attempt", attempt, "err", last.Error(), "retry_in", d)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return last
		case <-t.C:
		}
		pause *= 2
	}
	return last
}

// post makes one attempt; err is a network failure stripped of the URL.
func (n *Notifier) post(ctx context.Context, body []byte) (status int, retryAfter time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		return 0, 0, errors.New("cannot build the request")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "golive-notify")
	resp, err := n.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error's text carries the URL
		}
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return 0, 0, fmt.Errorf("request failed: %s", redact(err.Error(), n.url))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
	if s, e := strconv.Atoi(resp.Header.Get("Retry-After")); e == nil && s > 0 {
		retryAfter = time.Duration(s) * time.Second
	}
	return resp.StatusCode, retryAfter, nil
}

// redact removes the URL (and its path, which holds Slack's token) from a
// message, should a transport error quote it.
func redact(msg, raw string) string {
	msg = string(bytes.ReplaceAll([]byte(msg), []byte(raw), []byte("[notify URL]")))
	if u, err := url.Parse(raw); err == nil && len(u.Path) > 1 {
		msg = string(bytes.ReplaceAll([]byte(msg), []byte(u.Path), []byte("[path]")))
	}
	return msg
}
