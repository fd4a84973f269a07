package loadgen_test

import (
	"context"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/loadgen"
)

// A delivery from the one signed sender passes go-github's check of
// GitHub's signature, which is what golive's ingest runs; another secret
// does not.
func TestNewRequestIsSignedAsGitHubSigns(t *testing.T) {
	d := loadgen.Delivery{Event: "ping", ID: "d-1", Body: []byte(`{"zen":"Keep it logically awesome."}`)}
	req, err := loadgen.NewRequest(context.Background(), "http://127.0.0.1:1/webhook", []byte("s3cret"), d)
	if err != nil {
		t.Fatal(err)
	}
	body, err := github.ValidatePayload(req, []byte("s3cret"))
	if err != nil || string(body) != string(d.Body) {
		t.Fatalf("ValidatePayload: %v (body %q)", err, body)
	}
	if github.WebHookType(req) != "ping" || github.DeliveryID(req) != "d-1" {
		t.Fatalf("headers: event %q, delivery %q", github.WebHookType(req), github.DeliveryID(req))
	}
	req, _ = loadgen.NewRequest(context.Background(), "http://127.0.0.1:1/webhook", []byte("s3cret"), d)
	if _, err := github.ValidatePayload(req, []byte("other")); err == nil {
		t.Fatal("a delivery signed with one secret passed under another")
	}
}
