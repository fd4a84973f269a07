//go:build !nodemo

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// checkTemplate is GitHub's check_run payload with the fields each
// delivery sets left as slots: it is decoded and encoded once, and each
// delivery is its parts with the values put in between. Decoding and
// encoding the 14 KB payload for every delivery was 28 % of a --self
// run's CPU: the load generator measured itself more than golive.
type checkTemplate struct {
	parts [][]byte // parts[i] comes before slot i; the last after them all
	slots []string
	// recorded are the payload's own values, for the slots a delivery
	// leaves unset.
	recorded map[string]any
}

// checkSlots are the check run's fields a delivery sets.
var checkSlots = []string{"name", "conclusion", "id", "head_sha", "completed_at", "html_url", "pr"}

func newCheckTemplate(raw []byte) (*checkTemplate, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("check_run payload: %w", err)
	}
	cr, ok := m["check_run"].(map[string]any)
	prs, _ := cr["pull_requests"].([]any)
	if !ok || len(prs) == 0 {
		return nil, fmt.Errorf("check_run payload: no check_run with a pull request")
	}
	recorded := map[string]any{"pr": prs[0].(map[string]any)["number"]}
	for _, s := range checkSlots[:len(checkSlots)-1] {
		recorded[s] = cr[s]
		cr[s] = "@@" + s + "@@"
	}
	prs[0].(map[string]any)["number"] = "@@pr@@"
	m["installation"] = map[string]any{"id": 1}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	t := &checkTemplate{recorded: recorded}
	for len(b) > 0 {
		i := bytes.Index(b, []byte(`"@@`))
		if i < 0 {
			break
		}
		j := bytes.Index(b[i+3:], []byte(`@@"`))
		t.parts = append(t.parts, b[:i])
		t.slots = append(t.slots, string(b[i+3:i+3+j]))
		b = b[i+3+j+3:]
	}
	t.parts = append(t.parts, b)
	if len(t.slots) != len(checkSlots) {
		return nil, fmt.Errorf("check_run payload: %d slots, want %d", len(t.slots), len(checkSlots))
	}
	return t, nil
}

// render is the payload with vals in its slots, and the recorded values
// in those vals leaves out: strings are quoted as JSON strings, ints
// written as numbers.
func (t *checkTemplate) render(vals map[string]any) []byte {
	n := 0
	for _, p := range t.parts {
		n += len(p)
	}
	out := make([]byte, 0, n+256)
	for i, p := range t.parts {
		out = append(out, p...)
		if i == len(t.slots) {
			break
		}
		v, ok := vals[t.slots[i]]
		if !ok {
			v = t.recorded[t.slots[i]]
		}
		switch v := v.(type) {
		case int:
			out = strconv.AppendInt(out, int64(v), 10)
		case int64:
			out = strconv.AppendInt(out, v, 10)
		default: // a string, or a recorded value as decoded
			q, _ := json.Marshal(v)
			out = append(out, q...)
		}
	}
	return out
}
