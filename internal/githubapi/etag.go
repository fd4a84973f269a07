package githubapi

import (
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httputil"
	"sync"
	"time"
)

// Cache stores conditional-GET answers; Redis backs it, shared by every
// replica.
type Cache interface {
	CacheGet(ctx context.Context, key string) ([]byte, bool, error)
	CacheSet(ctx context.Context, key string, val []byte, ttl time.Duration) error
}

// etagCacheTTL bounds how long an answer is kept for revalidation.
const etagCacheTTL = 24 * time.Hour

// maxCached bounds the size of one cached answer.
const maxCached = 1 << 20

// ETagCache revalidates GETs with If-None-Match. GitHub answers 304 to an
// unchanged resource, and a 304 costs no rate limit; the cached answer is
// then returned as if fresh.
type ETagCache struct {
	Next  http.RoundTripper
	Cache Cache
	// Scope keeps installations apart: the same URL can read differently
	// with another installation's token.
	Scope string
}

// RoundTrip implements http.RoundTripper.
func (t *ETagCache) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet || t.Cache == nil || r.Header.Get("If-None-Match") != "" {
		return t.Next.RoundTrip(r)
	}
	sum := sha256.Sum256([]byte(t.Scope + "\x00" + r.Header.Get("Accept") + "\x00" + r.URL.String()))
	key := "etag:" + hex.EncodeToString(sum[:16])
	cached, ok, _ := t.Cache.CacheGet(r.Context(), key) // a cache failure only costs a full GET
	var old *http.Response
	if ok {
		cached, ok = unpackCached(cached)
	}
	if ok {
		if resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(cached)), r); err == nil {
			old = resp
			r = r.Clone(r.Context())
			r.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		}
	}
	resp, err := t.Next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotModified && old != nil {
		resp.Body.Close()
		// Keep the fresh rate-limit headers, serve the cached body.
		for _, h := range []string{"X-Ratelimit-Remaining", "X-Ratelimit-Reset", "X-Ratelimit-Limit"} {
			if v := resp.Header.Get(h); v != "" {
				old.Header.Set(h, v)
			}
		}
		old.Request = r
		return old, nil
	}
	if old != nil {
		old.Body.Close()
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == "" || resp.ContentLength > maxCached {
		return resp, nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxCached+1))
	if err != nil {
		resp.Body.Close()
		return nil, err
	}
	if len(body) > maxCached {
		// Too big to keep: hand it on whole, the part read and the rest.
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
		return resp, nil
	}
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	if dump, err := httputil.DumpResponse(resp, true); err == nil {
		t.Cache.CacheSet(r.Context(), key, packCached(dump), etagCacheTTL)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// packedPrefix marks a cached answer kept deflated. GitHub's JSON is
// mostly repeated URLs and keys, and the issue answer carries the whole
// tracking issue body: deflated, a release's ETag cache is about a
// fifth of its plain size in Redis.
const packedPrefix = "z1\x00"

// packers keeps flate writers for reuse: a new one allocates its tables
// (about 1 MB, cleared) and was three quarters of packCached's CPU, 4 %
// of golive's in the 1,000-release run (docs/benchmarks.md).
var packers = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed) // a valid level never errs
	return w
}}

// packCached deflates a dumped answer (fastest level: it is written on
// every changed GET).
func packCached(dump []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(packedPrefix) + len(dump)/4 + 64)
	b.WriteString(packedPrefix)
	w := packers.Get().(*flate.Writer)
	w.Reset(&b)
	w.Write(dump) // a bytes.Buffer never fails
	w.Close()
	packers.Put(w)
	return b.Bytes()
}

// unpackCached reads what packCached wrote, or an answer kept plain by an
// older golive. It inflates at most maxCached bytes, and treats anything
// it cannot read as a miss: the cost is a full GET, never a wrong answer.
func unpackCached(v []byte) ([]byte, bool) {
	rest, packed := bytes.CutPrefix(v, []byte(packedPrefix))
	if !packed {
		return v, true
	}
	out, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(rest)), maxCached+64<<10))
	if err != nil || len(out) > maxCached+32<<10 {
		return nil, false
	}
	return out, true
}
