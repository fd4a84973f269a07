package githubapi

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestPackCachedReusesItsWriters: answers packed one after another, and
// at once, each unpack to their own bytes, though the flate writers are
// shared through a pool.
func TestPackCachedReusesItsWriters(t *testing.T) {
	dump := func(i int) []byte {
		return fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nEtag: \"%d\"\r\n\r\n%s", i, strings.Repeat(fmt.Sprintf("answer %d, ", i), 50+i))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for g := range 4 {
		wg.Go(func() {
			for i := g * 10; i < g*10+10; i++ {
				got, ok := unpackCached(packCached(dump(i)))
				if !ok || !bytes.Equal(got, dump(i)) {
					errs <- fmt.Errorf("answer %d unpacked to %d bytes (ok %v), want %d", i, len(got), ok, len(dump(i)))
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// BenchmarkPackCached packs a tracking issue's answer, as every changed
// GET does (go test ./internal/githubapi -run '^$' -bench PackCached -benchmem).
func BenchmarkPackCached(b *testing.B) {
	d := []byte("HTTP/1.1 200 OK\r\nEtag: \"1\"\r\n\r\n" + strings.Repeat("- [x] <!-- golive:item some-item --> Some item — ✓ by rita\n", 300))
	b.SetBytes(int64(len(d)))
	b.ReportAllocs()
	for b.Loop() {
		packCached(d)
	}
}
