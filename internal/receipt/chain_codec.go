package receipt

import (
	"encoding/json"
	"fmt"
)

// EncodeChain is a release's receipts as one canonical JSON array: the
// copy golive keeps in Redis. encoding/json alone would escape <, > and &
// inside each receipt (json.RawMessage is compacted with HTML escaping),
// and a receipt whose evidence says "want < 0.01" would then no longer be
// the bytes that were signed.
func EncodeChain(chain []Signed) ([]byte, error) {
	raw, err := json.Marshal(chain)
	if err != nil {
		return nil, fmt.Errorf("encode receipts: %w", err)
	}
	return Canonical(raw)
}

// DecodeChain reads what EncodeChain wrote. Each receipt comes back as
// canonical bytes (a copy written before EncodeChain existed, with its
// HTML escapes, is put back in canonical form); Verify still checks each
// against its digest and signature.
func DecodeChain(b []byte) ([]Signed, error) {
	var chain []Signed
	if err := json.Unmarshal(b, &chain); err != nil {
		return nil, fmt.Errorf("read receipts: %w", err)
	}
	for i := range chain {
		c, err := Canonical(chain[i].Receipt)
		if err != nil {
			return nil, fmt.Errorf("read receipt %d: %w", i+1, err)
		}
		chain[i].Receipt = c
	}
	return chain, nil
}
