package githubapi_test

import (
	"bytes"
	"compress/flate"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/githubapi"
)

// TestETagCacheKeptDeflated: a cached answer is kept deflated (a tracking
// issue's answer shrinks to a fraction) and still revalidates to a 304;
// an answer an older golive kept plain is still used; one that cannot be
// read is a miss, answered by a full GET, never a wrong body.
func TestETagCacheKeptDeflated(t *testing.T) {
	f := newFake(t)
	f.AddRepo("o", "r")
	cache := &memCache{m: map[string][]byte{}}
	app, _ := githubapi.New(githubapi.Config{BaseURL: f.URL(), Cache: cache})
	in, _ := app.For(1)
	ctx := context.Background()
	body := strings.Repeat("- [x] <!-- golive:item some-item --> Some item — ✓ by rita\n", 300)
	n, err := in.CreateIssue(ctx, "o", "r", "t", body)
	if err != nil {
		t.Fatal(err)
	}
	read := func(what string) {
		t.Helper()
		is, err := in.GetIssue(ctx, "o", "r", n)
		if err != nil || is.Body != body {
			t.Fatalf("%s: %d bytes, %v", what, len(is.Body), err)
		}
	}
	read("first read")
	var key string
	var kept []byte
	cache.mu.Lock()
	for k, v := range cache.m {
		key, kept = k, v
	}
	cache.mu.Unlock()
	if !bytes.HasPrefix(kept, []byte("z1\x00")) || len(kept) > len(body)/4 {
		t.Fatalf("the cached answer is %d bytes for a %d-byte body, prefix %q: not deflated", len(kept), len(body), kept[:min(4, len(kept))])
	}
	read("revalidated")
	if f.NotModified() != 1 {
		t.Fatalf("%d answers were 304, want 1", f.NotModified())
	}
	// As an older golive kept it: the dump itself.
	plain, err := io.ReadAll(flate.NewReader(bytes.NewReader(kept[3:])))
	if err != nil {
		t.Fatal(err)
	}
	cache.mu.Lock()
	cache.m[key] = plain
	cache.mu.Unlock()
	read("a plain entry")
	if f.NotModified() != 2 {
		t.Fatalf("a plain entry was not revalidated: %d answers 304, want 2", f.NotModified())
	}
	cache.mu.Lock()
	cache.m[key] = append([]byte("z1\x00"), "not deflate"...)
	cache.mu.Unlock()
	read("a broken entry")
	if f.NotModified() != 2 {
		t.Fatalf("a broken entry was revalidated: %d answers 304", f.NotModified())
	}
}
