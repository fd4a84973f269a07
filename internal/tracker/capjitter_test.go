package tracker

import (
	"fmt"
	"testing"
	"time"
)

// TestJitteredCapSpread: the caps of 1,000 releases stay in the last
// quarter of MaxCoalesce, spread over it (no bucket of a tenth of it holds
// more than a fifth of them), the same for a release every time, and
// never below the quiet window.
func TestJitteredCapSpread(t *testing.T) {
	const window, maxWait = 2 * time.Second, 10 * time.Second
	buckets := map[int]int{}
	lo, hi := maxWait, time.Duration(0)
	for i := range 1000 {
		name := fmt.Sprintf("acme/app#%d", i)
		c := jitteredCap(name, window, maxWait)
		if c != jitteredCap(name, window, maxWait) {
			t.Fatalf("%s: the cap changed between two calls", name)
		}
		if c < maxWait*3/4 || c > maxWait {
			t.Fatalf("%s: cap %v outside [%v, %v]", name, c, maxWait*3/4, maxWait)
		}
		lo, hi = min(lo, c), max(hi, c)
		buckets[int((maxWait-c)*40/maxWait)]++ // tenths of the quarter
	}
	if hi-lo < maxWait/5 {
		t.Errorf("caps span only %v..%v", lo, hi)
	}
	for b, n := range buckets {
		if n > 200 {
			t.Errorf("%d of 1,000 caps in one tenth of the spread (bucket %d)", n, b)
		}
	}
	if c := jitteredCap("x", 9*time.Second, 10*time.Second); c < 9*time.Second {
		t.Errorf("cap %v below the quiet window", c)
	}
	if c := jitteredCap("x", 0, 0); c != 0 {
		t.Errorf("cap %v with no coalescing", c)
	}
}
