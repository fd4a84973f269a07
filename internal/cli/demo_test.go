package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestDemoEndsClearly plays the demo: it ends on the merge and the
// windows being watched, with a summary of what it cost, and with no
// failure on screen.
func TestDemoEndsClearly(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("plays the whole demo")
	}
	var out, errb bytes.Buffer
	if code := Run(context.Background(), []string{"demo"}, func(string) string { return "" }, nil, &out, &errb); code != 0 {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	got := out.String()
	for _, want := range []string{"Merged ✅ — watching the first 24 hours", "It cost ", "GitHub API requests", "Sam (security) waives", "First 24 hours:",
		"[x] Staging error rate below 1%", "value 0.0042 (want < 0.01)", "reminds:\n    ⏰ @ag06mixer/business-owners", "posted one short reply naming @ag06mixer/business-owners"} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo's output lacks %q", want)
		}
	}
	end := got[strings.Index(got, "The PR is merged"):]
	for _, bad := range []string{"❌", "🔴", "Blocked", "0.00 %", "0.00%"} {
		if strings.Contains(end, bad) {
			t.Errorf("after the merge the demo shows %q:\n%s", bad, end)
		}
	}
	if !strings.HasSuffix(strings.TrimSpace(got), "installation token.") {
		t.Errorf("the demo does not end on its summary:\n%s", got[len(got)-400:])
	}
}

// syncBuffer is a bytes.Buffer safe to read while the demo writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDemoDashboard: with --dashboard the demo keeps serving after it
// ends, prints the dashboard's URL, signs people in through the fake
// GitHub, and stops when its context ends.
func TestDemoDashboard(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("plays the whole demo")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"demo", "--dashboard"}, func(string) string { return "" }, nil, &out, io.Discard)
	}()
	re := regexp.MustCompile(`The dashboard: (http://127\.0\.0\.1:\d+)/`)
	var base string
	for deadline := time.Now().Add(2 * time.Minute); base == ""; time.Sleep(100 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
		select {
		case code := <-done:
			t.Fatalf("the demo ended (exit %d) without serving the dashboard:\n%s", code, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no dashboard URL within 2 minutes:\n%s", out.String())
		}
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(base + "/releases/acme/shop/42")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther || loc == "" {
		t.Fatalf("the release page without a session: %s, Location %q; want a redirect to sign in", resp.Status, loc)
	}
	// Follow to the fake GitHub's authorize page.
	for i := 0; i < 3 && !strings.Contains(loc, "/login/oauth/authorize"); i++ {
		if strings.HasPrefix(loc, "/") {
			loc = base + loc
		}
		r, err := client.Get(loc)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		loc = r.Header.Get("Location")
	}
	if !strings.Contains(loc, "/login/oauth/authorize") || !strings.Contains(loc, "client_id=Iv1.demo") {
		t.Fatalf("sign-in leads to %q, want the fake GitHub's authorize page", loc)
	}
	r, err := http.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusOK || !strings.Contains(string(b), "Authorize") {
		t.Errorf("the fake GitHub's sign-in page: %s\n%s", r.Status, b)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("demo --dashboard ended with exit %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo --dashboard did not stop when its context ended")
	}
}
