package render

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestLedgerMemoWritesWhatAFreshEncodingWould: the memo's answer is the
// fresh encoding of the very JSON asked, for JSON seen and not seen, of
// the same length or not, asked at once from several goroutines.
func TestLedgerMemoWritesWhatAFreshEncodingWould(t *testing.T) {
	m := newEncodingMemo(1 << 20)
	fresh := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(deflate(b)) }
	jsons := [][]byte{
		[]byte(`{"r":"o/r","p":1}`),
		[]byte(`{"r":"o/r","p":2}`), // the same length
		[]byte(`{"r":"o/r","p":12,"hd":"abc"}`),
	}
	var wg sync.WaitGroup
	errs := make(chan error, 60)
	for range 4 {
		wg.Go(func() {
			for range 5 {
				for _, b := range jsons {
					if got, want := m.encode(b), fresh(b); got != want {
						errs <- fmt.Errorf("%s encoded as %s, want %s", b, got, want)
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(m.m) != len(jsons) {
		t.Errorf("the memo holds %d encodings, want %d", len(m.m), len(jsons))
	}
}

// TestLedgerMemoBounded: the memo never holds more bytes than its budget,
// and an encoding larger than the budget is answered, not kept.
func TestLedgerMemoBounded(t *testing.T) {
	m := newEncodingMemo(2000)
	for i := range 200 {
		b := fmt.Appendf(nil, `{"r":"o/r","p":%d,"hd":"%040d"}`, i, i*7919)
		if got, want := m.encode(b), base64.RawURLEncoding.EncodeToString(deflate(b)); got != want {
			t.Fatalf("ledger %d: %s, want %s", i, got, want)
		}
		if m.held > m.budget {
			t.Fatalf("after %d ledgers the memo holds %d bytes, over its budget of %d", i+1, m.held, m.budget)
		}
	}
	if len(m.m) == 0 {
		t.Fatal("the memo keeps nothing")
	}
	small := newEncodingMemo(10)
	b := []byte(`{"r":"o/r","p":1}`)
	if small.encode(b) == "" || len(small.m) != 0 || small.held != 0 {
		t.Fatalf("an encoding over the budget was kept: %d entries, %d bytes", len(small.m), small.held)
	}
}

// TestLedgerLineUsesTheMemo: a rendered ledger's encoding is kept, so
// the next render of the same ledger does not deflate it again.
func TestLedgerLineUsesTheMemo(t *testing.T) {
	l := Ledger{Repo: "o/memo", PR: 4242, Head: "feedface"}
	line := LedgerLine(l, []byte("k"))
	b, _ := json.Marshal(l)
	ledgerMemo.mu.Lock()
	data, ok := ledgerMemo.m[sha256.Sum256(b)]
	ledgerMemo.mu.Unlock()
	if !ok || !strings.Contains(line, " "+data+" ") {
		t.Fatalf("the ledger's encoding is not kept (kept %v), or not the one written in %q", ok, line)
	}
}

// TestTextMemoAnswersAsItsFunction: titles and notes from the memo are
// what escaping them afresh gives, for text that needs escaping and text
// that does not; the memo stays within its budget.
func TestTextMemoAnswersAsItsFunction(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func(string) string
	}{{"escape", escape}, {"inline", inline}} {
		m := newTextMemo(c.f, 300)
		for round := range 3 {
			for i := range 40 {
				s := fmt.Sprintf("#%d _item_ @team <b>%d</b> `code`", i, i*round)
				if got, want := m.of(s), c.f(s); got != want {
					t.Fatalf("%s: %q gave %q, want %q", c.name, s, got, want)
				}
				if m.held > m.budget {
					t.Fatalf("%s: the memo holds %d bytes, over its budget of %d", c.name, m.held, m.budget)
				}
			}
		}
		if len(m.m) == 0 {
			t.Fatalf("%s: the memo keeps nothing", c.name)
		}
	}
}

// TestMemoKeepsItsEntriesPastOneTooBig: an entry larger than the whole
// budget is answered and not kept, and the entries already kept stay: a
// single huge title in one repository's config must not empty the memo
// every other release renders from.
func TestMemoKeepsItsEntriesPastOneTooBig(t *testing.T) {
	tm := newTextMemo(escape, 1000)
	tm.of("a title")
	if got := tm.of(strings.Repeat("huge title ", 200)); got != escape(strings.Repeat("huge title ", 200)) {
		t.Fatalf("the huge title escaped as %q", got)
	}
	if _, ok := tm.m["a title"]; !ok || len(tm.m) != 1 {
		t.Fatalf("a title too big to keep emptied the title memo or was kept: %v", tm.m)
	}
	em := newEncodingMemo(1000)
	em.encode([]byte(`{"r":"o/r","p":1}`))
	var noise strings.Builder // hex of a hash chain: deflate cannot shrink it below the budget
	for sum := sha256.Sum256(nil); noise.Len() < 4000; sum = sha256.Sum256(sum[:]) {
		fmt.Fprintf(&noise, "%x", sum)
	}
	em.encode([]byte(`{"r":"o/r","p":2,"x":"` + noise.String() + `"}`))
	if len(em.m) != 1 {
		t.Fatalf("a ledger too big to keep emptied the ledger memo or was kept: %d entries", len(em.m))
	}
}
