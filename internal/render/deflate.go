package render

import (
	"bytes"
	"compress/flate"
	_ "embed"
	"errors"
	"io"
	"sync"
)

// ledgerDict is the preset dictionary of v3 ledgers: the item ids of the
// built-in checklist and the ledger's JSON keys, which most ledgers
// repeat. It is frozen: a v3 ledger only inflates with these very bytes
// (TestLedgerDictFrozen pins them), so a later checklist changes nothing
// here; a new dictionary would be a new ledger version.
//
//go:embed ledger.dict
var ledgerDict []byte

// maxInflated bounds a ledger's JSON once inflated: far above what a
// ledger within maxLedger holds, far below what would hurt.
const maxInflated = 1 << 20

// deflaters keeps flate writers for reuse: one holds about 1 MB of
// tables, which every render would otherwise allocate anew.
var deflaters = sync.Pool{New: func() any {
	w, _ := flate.NewWriterDict(nil, flate.BestCompression, ledgerDict)
	return w
}}

// deflate compresses b (raw DEFLATE, RFC 1951, with ledgerDict).
func deflate(b []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b)/4 + 64)
	w := deflaters.Get().(*flate.Writer)
	w.Reset(&out)
	w.Write(b) // a bytes.Buffer never fails
	w.Close()
	deflaters.Put(w)
	return out.Bytes()
}

// errInflated is a ledger whose JSON would pass maxInflated.
var errInflated = errors.New("inflates past 1 MiB")

// inflate decompresses b, refusing more than maxInflated bytes of output.
func inflate(b []byte) ([]byte, error) {
	r := flate.NewReaderDict(bytes.NewReader(b), ledgerDict)
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, maxInflated+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxInflated {
		return nil, errInflated
	}
	return out, nil
}
