package tracker

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// economyRecord is the record TestAPIEconomy's story leaves (testdata).
func economyRecord(tb testing.TB) []byte {
	tb.Helper()
	raw, err := os.ReadFile("testdata/record-economy.json")
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}

// slowRecord is the record as json.Unmarshal reads it, the reference.
func slowRecord(t *testing.T, raw []byte) *record {
	t.Helper()
	var rec record
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	return &rec
}

// recordVariants are edits of the economy record that take each path.
func recordVariants(t *testing.T) map[string][]byte {
	t.Helper()
	raw := economyRecord(t)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	edit := func(f func(m map[string]any)) []byte {
		var c map[string]any
		json.Unmarshal(raw, &c)
		f(c)
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return map[string][]byte{
		"as saved": raw,
		"an outbox": edit(func(m map[string]any) {
			m["outbox"] = []any{map[string]any{"id": "d/0", "kind": "react", "comment_id": 7, "reaction": "+1"},
				map[string]any{"id": "d/1", "kind": "reply", "target": 2, "body": "<b>&</b>"}}
		}),
		"no applied, no indexed": edit(func(m map[string]any) { delete(m, "applied"); delete(m, "indexed") }),
		"a newer golive's state member": edit(func(m map[string]any) {
			m["state"].(map[string]any)["from_the_future"] = map[string]any{"x": []any{1, "two"}}
		}),
		"a newer golive's record member": edit(func(m map[string]any) { m["lease"] = "x" }),
		"a newer golive's nested member": edit(func(m map[string]any) {
			m["indexed"].(map[string]any)["by"] = "replica-2"
		}),
		"schema 2":     edit(func(m map[string]any) { m["state"].(map[string]any)["schema"] = 2 }),
		"no schema":    edit(func(m map[string]any) { delete(m["state"].(map[string]any), "schema") }),
		"spaces after": append(bytes.Clone(raw), " \n"...),
		// Shapes golive never writes, which take json.Unmarshal's way.
		"the state twice":               bytes.Replace(raw, []byte(`{"state":`), []byte(`{"state":{"schema":2},"state":`), 1),
		"the state twice, schema first": append(bytes.TrimSuffix(bytes.Clone(raw), []byte("}")), `,"state":{}}`...),
		"STATE":                         bytes.Replace(raw, []byte(`{"state":`), []byte(`{"STATE":`), 1),
		"Applied":                       bytes.Replace(raw, []byte(`"applied":`), []byte(`"Applied":`), 1),
	}
}

// TestRecordCodecDecodes: the one-pass read gives the record
// json.Unmarshal gives, unexported members (the schema read, the
// members kept for a newer golive) included, for every shape a record
// takes; and refuses what json.Unmarshal refuses.
func TestRecordCodecDecodes(t *testing.T) {
	for name, raw := range recordVariants(t) {
		t.Run(name, func(t *testing.T) {
			got, err := decodeRecord(raw)
			if err != nil {
				t.Fatal(err)
			}
			if want := slowRecord(t, raw); !reflect.DeepEqual(got, want) {
				t.Errorf("decodeRecord differs from json.Unmarshal:\n got %+v\nwant %+v", got.State, want.State)
			}
		})
	}
	raw := economyRecord(t)
	// The one difference: a time with an escaped character, which golive
	// never writes, reads as that time (encoding/json refuses it).
	esc := bytes.Replace(raw, []byte(`"opened_at":"2026-11-20T09:00:00Z"`), []byte(`"opened_at":"2026-11-20T09:00:00\u005a"`), 1)
	if rec, err := decodeRecord(esc); err != nil || !rec.State.OpenedAt.Equal(slowRecord(t, raw).State.OpenedAt) {
		t.Errorf("an escaped time: %v", err)
	}
	for name, bad := range map[string][]byte{
		"truncated":      raw[:len(raw)/2],
		"bytes after":    append(bytes.Clone(raw), `{"state":{}}`...),
		"state null":     []byte(`{"state":null,"applied":["a"]}`),
		"no state":       []byte(`{"applied":["a"]}`),
		"not an object":  []byte(`[1,2]`),
		"wrong type":     bytes.Replace(raw, []byte(`"pr":100`), []byte(`"pr":"100"`), 1),
		"empty":          {},
		"state a string": []byte(`{"state":"x"}`),
	} {
		t.Run("refuses "+name, func(t *testing.T) {
			if rec, err := decodeRecord(bad); err == nil {
				t.Errorf("decodeRecord read %.60q as a record: %+v", bad, rec.State)
			}
		})
	}
}

// TestRecordCodecFastPath: a record of this version is read in one pass,
// which BenchmarkRecordCodec measures; one with a member this version
// does not know is not (it takes json.Unmarshal, which keeps the member).
func TestRecordCodecFastPath(t *testing.T) {
	v := recordVariants(t)
	for _, name := range []string{"as saved", "an outbox", "no applied, no indexed", "schema 2", "no schema", "spaces after"} {
		if decodeRecordFast(v[name]) == nil {
			t.Errorf("%s: not read in one pass", name)
		}
	}
	for _, name := range []string{"a newer golive's state member", "a newer golive's record member", "a newer golive's nested member"} {
		if decodeRecordFast(v[name]) != nil {
			t.Errorf("%s: read in one pass, which drops the member", name)
		}
	}
	rec, err := decodeRecord(v["a newer golive's state member"])
	if err != nil {
		t.Fatal(err)
	}
	b, err := encodeRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"from_the_future":{"x":[1,"two"]}`) {
		t.Errorf("a newer golive's member was not written back: %s", b)
	}
}

// TestRecordCodecEncodes: encodeRecord writes json.Marshal's bytes, and
// what it writes reads back as json.Unmarshal reads it.
func TestRecordCodecEncodes(t *testing.T) {
	for name, raw := range recordVariants(t) {
		t.Run(name, func(t *testing.T) {
			rec := slowRecord(t, raw)
			if name == "as saved" {
				rec.Indexed = &indexed{Keys: []string{"sha:a", "ref:b"}, At: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
			}
			got, err := encodeRecord(rec)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("encodeRecord differs from json.Marshal:\n got %s\nwant %s", got, want)
			}
			back, err := decodeRecord(got)
			if err != nil || !reflect.DeepEqual(back, slowRecord(t, got)) {
				t.Errorf("the record does not read back: %v", err)
			}
		})
	}
	for name, rec := range map[string]*record{
		"state only": {State: slowRecord(t, economyRecord(t)).State},
		"no state":   {Applied: []string{"a"}},
	} {
		got, err1 := encodeRecord(rec)
		want, err2 := json.Marshal(rec)
		if err1 != nil || err2 != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: encodeRecord %s (%v), json.Marshal %s (%v)", name, got, err1, want, err2)
		}
	}
}

// BenchmarkRecordCodec is an event's load and save of the economy
// story's record (6.8 KB): "json" as golive read and wrote it before
// (json.Unmarshal, json.Marshal), "codec" as it does now.
func BenchmarkRecordCodec(b *testing.B) {
	raw := economyRecord(b)
	for _, tc := range []struct {
		name   string
		decode func([]byte) (*record, error)
		encode func(*record) ([]byte, error)
	}{
		{"json", func(raw []byte) (*record, error) {
			var rec record
			return &rec, json.Unmarshal(raw, &rec)
		}, func(rec *record) ([]byte, error) { return json.Marshal(rec) }},
		{"codec", decodeRecord, encodeRecord},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rec, err := tc.decode(raw)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tc.encode(rec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
