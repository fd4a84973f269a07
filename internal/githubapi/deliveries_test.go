package githubapi_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubapi"
	"github.com/ag06mixer/golive/internal/redeliver"
)

// authSeen records the Authorization scheme of every request.
type authSeen struct {
	mu   sync.Mutex
	seen []string
}

func (a *authSeen) RoundTrip(r *http.Request) (*http.Response, error) {
	a.mu.Lock()
	auth := r.Header.Get("Authorization")
	// A JWT is three base64url parts; record its shape, not the token.
	if strings.HasPrefix(auth, "Bearer ") && strings.Count(auth, ".") == 2 {
		auth = "Bearer JWT"
	}
	a.seen = append(a.seen, r.Method+" "+r.URL.Path+" "+auth)
	a.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// TestHookDeliveries: golive reads the App's delivery log as the App
// (JWT), page by page through the Link header's cursor, and asks for a
// redelivery; GitHub's 202 is a success, its 404 and 422 are refusals.
func TestHookDeliveries(t *testing.T) {
	f := newFake(t)
	var answered atomic.Int64
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if answered.Add(1)%5 == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer hook.Close()
	f.SetHook(hook.URL, "hook-secret-0123456789")
	for range 250 {
		f.Deliver("issue_comment", []byte(`{"action":"created","installation":{"id":1},"repository":{"id":7}}`))
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	auth := &authSeen{}
	app, err := githubapi.New(githubapi.Config{AppID: 1, PrivateKey: pemKey, BaseURL: f.URL(), Transport: auth})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var all []redeliver.Delivery
	cursor, pages := "", 0
	for {
		page, next, err := app.HookDeliveries(ctx, cursor)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, page...)
		if next == "" || pages > 10 {
			break
		}
		cursor = next
	}
	if pages != 3 || len(all) != 250 {
		t.Fatalf("read %d attempts in %d pages, want 250 in 3", len(all), pages)
	}
	failed := 0
	for i, d := range all {
		if i > 0 && d.ID >= all[i-1].ID {
			t.Fatalf("attempt %d (id %d) after id %d: not newest first", i, d.ID, all[i-1].ID)
		}
		if d.GUID == "" || d.Event != "issue_comment" || d.At.IsZero() {
			t.Fatalf("attempt %+v lacks its GUID, event or time", d)
		}
		if d.StatusCode == http.StatusServiceUnavailable {
			failed++
		}
	}
	if failed != 50 {
		t.Errorf("%d attempts answered 503, want 50", failed)
	}
	var miss redeliver.Delivery
	for _, d := range all {
		if d.StatusCode == http.StatusServiceUnavailable {
			miss = d
			break
		}
	}
	if err := app.Redeliver(ctx, miss.ID); err != nil {
		t.Fatalf("redeliver %d: %v", miss.ID, err)
	}
	f.WaitRedeliveries()
	log := f.HookDeliveries()
	if last := log[len(log)-1]; last.GUID != miss.GUID || !last.Redelivery {
		t.Errorf("newest attempt %+v; want a redelivery of %s", last, miss.GUID)
	}
	if err := app.Redeliver(ctx, 42); !errors.Is(err, redeliver.ErrRefused) {
		t.Errorf("redeliver an unknown delivery: %v; want ErrRefused (404)", err)
	}
	f.Now = func() time.Time { return time.Now().Add(4 * 24 * time.Hour) }
	if err := app.Redeliver(ctx, miss.ID); !errors.Is(err, redeliver.ErrRefused) {
		t.Errorf("redeliver a delivery four days old: %v; want ErrRefused (422)", err)
	}
	if len(auth.seen) < 6 {
		t.Fatalf("saw %d requests, want the 3 pages and 3 redelivery requests", len(auth.seen))
	}
	for _, s := range auth.seen {
		if strings.Contains(s, "/app/hook/") && !strings.HasSuffix(s, " Bearer JWT") {
			t.Errorf("%s: want the App's JWT", s)
		}
	}
}
