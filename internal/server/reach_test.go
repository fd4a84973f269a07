package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestReadyzDegradedNotDown: GitHub failing leaves /readyz at 200 with a
// degraded note; it is asked at most once a minute however often the
// probe comes; a failing Redis still makes it 503.
func TestReadyzDegradedNotDown(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	ghErr := errors.New("GET /app: 503 Service Unavailable")
	var reported []error
	r := NewReachability("github", func(context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		calls++
		return ghErr
	}, time.Minute, func(err error) { mu.Lock(); reported = append(reported, err); mu.Unlock() })
	clock := &fakeClock{t: time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)}
	r.now = clock.now
	var redisErr error
	h := New(Deps{Secrets: [][]byte{[]byte("s")},
		Ready:    []Check{{Name: "redis", Fn: func(context.Context) error { return redisErr }}},
		Degraded: []*Reachability{r}})
	get := func() (int, string) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return w.Code, w.Body.String()
	}
	code, body := get()
	if code != 200 {
		t.Fatalf("first probe: got %d %s, want 200", code, body)
	}
	for i := 0; ; i++ {
		if known, _ := r.Status(); known {
			break
		}
		if i > 5000 {
			t.Fatal("the background check never ended")
		}
		time.Sleep(time.Millisecond)
	}
	for range 100 {
		code, body = get()
		clock.add(500 * time.Millisecond) // 50 s in all: still within the minute
	}
	if code != 200 || !strings.Contains(body, `"degraded"`) || !strings.Contains(body, "503 Service Unavailable") {
		t.Fatalf("GitHub down: got %d %s, want 200 with the degraded note", code, body)
	}
	mu.Lock()
	if calls != 1 || len(reported) != 1 {
		t.Fatalf("GitHub asked %d times (%d reported) in 50 s of probes, want 1", calls, len(reported))
	}
	mu.Unlock()
	clock.add(11 * time.Second)
	get()
	for i := 0; ; i++ {
		mu.Lock()
		n := calls
		mu.Unlock()
		if n == 2 {
			break
		}
		if i > 5000 {
			t.Fatalf("a minute on, GitHub asked %d times, want 2", n)
		}
		time.Sleep(time.Millisecond)
	}
	ghErr = nil
	clock.add(time.Minute)
	get()
	for i := 0; ; i++ {
		if _, err := r.Status(); err == nil {
			break
		}
		if i > 5000 {
			t.Fatal("GitHub back, still reported unreachable")
		}
		time.Sleep(time.Millisecond)
	}
	if code, body = get(); code != 200 || strings.Contains(body, "degraded") {
		t.Fatalf("GitHub back: got %d %s, want 200 without a note", code, body)
	}
	redisErr = errors.New("connection refused")
	if code, body = get(); code != 503 || !strings.Contains(body, "redis") {
		t.Fatalf("Redis down: got %d %s, want 503 naming redis", code, body)
	}
}

func TestStatusOf(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{fmt.Errorf("refresh acme/shop#1: %w", release.ErrNotTracked), 404},
		{fmt.Errorf("user: %w", ErrSignedOut), 401},
		{errors.New("redis: connection refused"), 503},
	} {
		if got, _ := statusOf(tc.err, "try again"); got != tc.want {
			t.Errorf("statusOf(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
