package loadgen_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ag06mixer/golive/internal/loadgen"
	"github.com/ag06mixer/golive/internal/redisstore/redistest"
)

// TestBaselineDoesTheIngestsWork: the yardstick does the work an ingest
// must (it checks the signature and adds the payload to the stream), or
// golive would be measured against less than an ingest.
func TestBaselineDoesTheIngestsWork(t *testing.T) {
	r := redistest.New(t)
	ctx := context.Background()
	stream := r.Prefix + ":baseline"
	h := loadgen.Baseline(r.Client, stream, []byte("s3cret"))
	d := loadgen.Delivery{Event: "ping", ID: "d-1", Body: []byte(`{"zen":"Keep it logically awesome."}`)}
	for _, c := range []struct {
		secret string
		want   int
	}{{"s3cret", http.StatusAccepted}, {"other", http.StatusUnauthorized}} {
		req, err := loadgen.NewRequest(ctx, "http://127.0.0.1:1/webhook", []byte(c.secret), d)
		if err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != c.want {
			t.Errorf("signed with %q: %d, want %d", c.secret, w.Code, c.want)
		}
	}
	msgs, err := r.Client.XRange(ctx, stream, "-", "+").Result()
	if err != nil || len(msgs) != 1 || msgs[0].Values["payload"] != string(d.Body) {
		t.Errorf("the stream holds %v (%v), want the one signed payload", msgs, err)
	}
}
