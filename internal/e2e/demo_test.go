package e2e

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

	"github.com/ag06mixer/golive/internal/cli"
)

// TestScenarioDemoEndsClearly plays the demo: it ends on the merge and the
// windows being watched, with a summary of what it cost, and with no
// failure on screen.
func TestScenarioDemoEndsClearly(t *testing.T) {
	long(t)
	t.Parallel()
	var out, errb bytes.Buffer
	if code := cli.Run(context.Background(), []string{"demo"}, func(string) string { return "" }, nil, &out, &errb); code != 0 {
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

// TestScenarioDemoDashboard: with --dashboard the demo keeps serving after it
// ends, prints the dashboard's URL, signs people in through the fake
// GitHub, and stops when its context ends.
func TestScenarioDemoDashboard(t *testing.T) {
	long(t)
	t.Parallel()
	d := startDemoDashboard(t, 2*time.Minute, "demo", "--dashboard")
	base := d.base
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
	if code := d.stop(); code != 0 {
		t.Errorf("demo --dashboard ended with exit %d", code)
	}
}

// demoDashboard is a `golive demo --dashboard` running for a test.
type demoDashboard struct {
	t    *testing.T
	base string // the dashboard's root, http://127.0.0.1:PORT
	out  *syncBuffer
	quit context.CancelFunc
	done chan int
	code *int
}

// startDemoDashboard runs golive with args until the dashboard's URL is
// printed (within wait), and stops it when the test ends.
func startDemoDashboard(t *testing.T, wait time.Duration, args ...string) *demoDashboard {
	t.Helper()
	ctx, quit := context.WithCancel(context.Background())
	d := &demoDashboard{t: t, out: &syncBuffer{}, quit: quit, done: make(chan int, 1)}
	go func() { d.done <- cli.Run(ctx, args, func(string) string { return "" }, nil, d.out, io.Discard) }()
	t.Cleanup(func() { d.stop() })
	re := regexp.MustCompile(`The dashboard: (http://127\.0\.0\.1:\d+)/`)
	for deadline := time.Now().Add(wait); d.base == ""; time.Sleep(100 * time.Millisecond) {
		if m := re.FindStringSubmatch(d.out.String()); m != nil {
			d.base = m[1]
		}
		select {
		case code := <-d.done:
			t.Fatalf("the demo ended (exit %d) without serving the dashboard:\n%s", code, d.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no dashboard URL within %v:\n%s", wait, d.out.String())
		}
	}
	return d
}

// stop ends the demo and returns its exit code; a demo that does not
// stop within 30 s fails the test.
func (d *demoDashboard) stop() int {
	if d.code != nil {
		return *d.code
	}
	d.quit()
	select {
	case code := <-d.done:
		d.code = &code
		return code
	case <-time.After(30 * time.Second):
		d.t.Error("demo --dashboard did not stop when its context ended")
		code := -1
		d.code = &code
		return code
	}
}
