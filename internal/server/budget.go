package server

import (
	"context"
	"sync"
)

// budget bounds the bytes of webhook bodies held in memory at once, over
// all requests: a request reserves its body's size before reading it, and
// gives it back when it has answered. Unsigned traffic then costs at most
// the budget, however many requests arrive together.
type budget struct {
	mu   sync.Mutex
	cap  int64
	used int64
	// freed is closed, and replaced, each time bytes are given back, so
	// waiters look again.
	freed chan struct{}
}

func newBudget(capacity int64) *budget {
	return &budget{cap: capacity, freed: make(chan struct{})}
}

// acquire reserves n bytes, waiting until they fit or ctx ends; it
// reports whether it reserved them. n over the whole budget never fits.
func (b *budget) acquire(ctx context.Context, n int64) bool {
	if n > b.cap {
		return false
	}
	for {
		b.mu.Lock()
		if b.used+n <= b.cap {
			b.used += n
			b.mu.Unlock()
			return true
		}
		freed := b.freed
		b.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
			return false
		}
	}
}

// release gives back n bytes reserved by acquire.
func (b *budget) release(n int64) {
	b.mu.Lock()
	b.used -= n
	close(b.freed)
	b.freed = make(chan struct{})
	b.mu.Unlock()
}

// inUse is the bytes reserved now.
func (b *budget) inUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}
