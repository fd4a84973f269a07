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

// titleMemo keeps the escaped titles of checklist items and sections,
// and noteMemo the escaped notes of items pending or failing: titles come
// from the resolved config, notes from the config and the state, and both
// are the same on render after render. Escaping them was a fifth of
// BenchmarkApplyRender.
var (
	titleMemo = newTextMemo(escape, 1<<20)
	noteMemo  = newTextMemo(inline, 1<<20)
)

// bounded is a memo's store, bounded by the bytes it holds: past the
// budget it starts again empty, which costs only fresh answers.
type bounded[K comparable] struct {
	mu     sync.RWMutex
	m      map[K]string
	held   int
	budget int
}

// entryOverhead is what a memo's entry costs beyond the bytes of its key
// and value: its map slot and string headers, estimated on the high side,
// so a memo of many short entries stays within its budget too.
const entryOverhead = 96

func (b *bounded[K]) get(k K) (string, bool) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	v, ok := b.m[k]
	return v, ok
}

// put keeps v for k at cost bytes. An entry over the whole budget is not
// kept, and empties nothing: one huge title in one repository's config
// must not empty the memo every other release renders from.
func (b *bounded[K]) put(k K, v string, cost int) {
	cost += entryOverhead
	if cost > b.budget {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.m[k]; ok {
		return
	}
	if b.held+cost > b.budget {
		b.m = map[K]string{} // a new map: clear would keep the old one's table
		b.held = 0
	}
	b.m[k] = v
	b.held += cost
}

// encodingMemo memoizes the ledger's encoding by the SHA-256 of its JSON.
type encodingMemo struct {
	bounded[[sha256.Size]byte]
}

func newEncodingMemo(budget int) *encodingMemo {
	return &encodingMemo{bounded[[sha256.Size]byte]{m: map[[sha256.Size]byte]string{}, budget: budget}}
}

// encode returns base64(deflate(b)), from the memo when b was seen.
func (m *encodingMemo) encode(b []byte) string {
	sum := sha256.Sum256(b)
	if s, ok := m.get(sum); ok {
		return s
	}
	s := base64.RawURLEncoding.EncodeToString(deflate(b))
	m.put(sum, s, len(s)+sha256.Size)
	return s
}

// textMemo memoizes a pure escaping function by its input.
type textMemo struct {
	bounded[string]
	f func(string) string
}

func newTextMemo(f func(string) string, budget int) *textMemo {
	return &textMemo{bounded[string]{m: map[string]string{}, budget: budget}, f}
}

// of returns f(s), from the memo when s was seen.
func (t *textMemo) of(s string) string {
	if v, ok := t.get(s); ok {
		return v
	}
	v := t.f(s)
	t.put(s, v, len(s)+len(v))
	return v
}
