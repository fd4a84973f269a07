package render

import (
	"crypto/sha256"
	"encoding/base64"
	"sync"
)

// ledgerMemo keeps the encoding (deflated, in base64) of the ledgers
// rendered lately, by the SHA-256 of their JSON. A release's ledger
// changes only with its sign-offs, hand ticks, waivers, hold and pushes,
// while its CI results re-render the issue again and again: deflating the
// same JSON with its preset dictionary was a fifth of BenchmarkApplyRender.
// The encoding is a pure function of the JSON, so a hit writes the very
// bytes a fresh encoding would.
var ledgerMemo = newEncodingMemo(4 << 20)

// encodingMemo is bounded by the bytes it holds: past the budget it
// starts again empty, which costs only fresh encodings.
type encodingMemo struct {
	mu     sync.Mutex
	m      map[[sha256.Size]byte]string
	held   int
	budget int
}

func newEncodingMemo(budget int) *encodingMemo {
	return &encodingMemo{m: map[[sha256.Size]byte]string{}, budget: budget}
}

// encode returns base64(deflate(b)), from the memo when b was seen.
func (m *encodingMemo) encode(b []byte) string {
	sum := sha256.Sum256(b)
	m.mu.Lock()
	s, ok := m.m[sum]
	m.mu.Unlock()
	if ok {
		return s
	}
	s = base64.RawURLEncoding.EncodeToString(deflate(b))
	cost := len(s) + sha256.Size + entryOverhead
	if cost > m.budget {
		return s // never kept, and no reason to forget the others
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.m[sum]; ok {
		return s
	}
	if m.held+cost > m.budget {
		m.m = map[[sha256.Size]byte]string{} // a new map: clear would keep the old one's table
		m.held = 0
	}
	m.m[sum] = s
	m.held += cost
	return s
}

// entryOverhead is what a memo's entry costs beyond the bytes of its key
// and value: its map slot and string headers, estimated on the high side,
// so a memo of many short entries stays within its budget too.
const entryOverhead = 96

// titleMemo keeps the escaped titles of checklist items and sections,
// and noteMemo the escaped notes of items pending or failing: titles come
// from the resolved config, notes from the config and the state, and both
// are the same on render after render. Escaping them was a fifth of
// BenchmarkApplyRender.
var (
	titleMemo = newTextMemo(escape, 1<<20)
	noteMemo  = newTextMemo(inline, 1<<20)
)

// textMemo memoizes a pure escaping function by its input, bounded by
// the bytes it holds like encodingMemo.
type textMemo struct {
	f      func(string) string
	mu     sync.RWMutex
	m      map[string]string
	held   int
	budget int
}

func newTextMemo(f func(string) string, budget int) *textMemo {
	return &textMemo{f: f, m: map[string]string{}, budget: budget}
}

// of returns f(s), from the memo when s was seen.
func (t *textMemo) of(s string) string {
	t.mu.RLock()
	v, ok := t.m[s]
	t.mu.RUnlock()
	if ok {
		return v
	}
	v = t.f(s)
	cost := len(s) + len(v) + entryOverhead
	if cost > t.budget {
		return v // never kept, and no reason to forget the others
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.m[s]; ok {
		return v
	}
	if t.held+cost > t.budget {
		t.m = map[string]string{}
		t.held = 0
	}
	t.m[s] = v
	t.held += cost
	return v
}
