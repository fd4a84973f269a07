package loadgen

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
)

// Signature is GitHub's X-Hub-Signature-256 value for body under secret:
// "sha256=" and the hex HMAC-SHA256.
func Signature(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// NewRequest is a webhook delivery as GitHub sends it: a JSON POST to url
// with its event, delivery id and signature headers. It is the one signed
// sender: the load generator, the fake GitHub's deliveries and the tests
// all make their deliveries here.
func NewRequest(ctx context.Context, url string, secret []byte, d Delivery) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(d.Body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", d.Event)
	req.Header.Set("X-GitHub-Delivery", d.ID)
	req.Header.Set("X-Hub-Signature-256", Signature(secret, d.Body))
	return req, nil
}
