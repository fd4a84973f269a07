package tracker

import (
	"encoding/json"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/ag06mixer/golive/internal/release"
)

// The record's encoding and decoding, the JSON of every event's load and
// save. encoding/json would compact and validate again what
// release.State.MarshalJSON wrote (it does so for every Marshaler), and
// scan the state four times on a load (a validity scan, a skip over it,
// its UnmarshalJSON's own scan and decode); these write the same bytes in
// one pass, and read them in one pass of json/v2's engine set to
// encoding/json's semantics (BenchmarkRecordCodec: 235 to 85 µs for the
// economy story's record).

// recordRest is the record's members other than the state, in the order
// record declares them.
type recordRest struct {
	Outbox  []owed   `json:"outbox,omitempty"`
	Applied []string `json:"applied,omitempty"`
	Indexed *indexed `json:"indexed,omitempty"`
}

// encodeRecord is json.Marshal(rec): byte for byte, except that members
// of a newer golive the state kept are written as they were read, where
// json.Marshal would compact and HTML-escape them (the same JSON either
// way; TestRecordCodecEncodes).
func encodeRecord(rec *record) ([]byte, error) {
	if rec.State == nil {
		return json.Marshal(rec)
	}
	st, err := rec.State.MarshalJSON()
	if err != nil {
		return nil, err
	}
	rest, err := json.Marshal(recordRest{Outbox: rec.Outbox, Applied: rec.Applied, Indexed: rec.Indexed})
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(`{"state":`)+len(st)+len(rest))
	b = append(b, `{"state":`...)
	b = append(b, st...)
	if len(rest) > 2 { // more than {}
		b = append(b, ',')
		b = append(b, rest[1:]...)
		return b, nil
	}
	return append(b, '}'), nil
}

// decodeRecord reads a saved record. The common case, a record of this
// version or an older one, is read in one pass; anything else (members
// this version does not know, which are kept; a record that is not
// valid) is read by json.Unmarshal as before. A record without a state is
// an error.
func decodeRecord(raw []byte) (*record, error) {
	if rec := decodeRecordFast(raw); rec != nil {
		return rec, nil
	}
	var rec record
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, err
	}
	if rec.State == nil {
		return nil, errNoState
	}
	return &rec, nil
}

type recordError string

func (e recordError) Error() string { return string(e) }

const errNoState = recordError("the record holds no state")

// fastRecordOptions are encoding/json's semantics, narrowed to what
// golive itself writes: a member unknown to this version, a member given
// twice or a name in other case sends the record to json.Unmarshal, which
// reads them its own way (a repeated state member is merged, say). One
// difference is kept: a time written with an escaped character
// ("\u005a" for "Z") reads as that time, where encoding/json refuses it;
// golive never writes one, and reading it through time.Time's own
// UnmarshalJSON made the load and save 11 % slower (BenchmarkRecordCodec).
var fastRecordOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsonv2.RejectUnknownMembers(true),
	jsontext.AllowDuplicateNames(false), jsonv2.MatchCaseInsensitiveNames(false))

// decodeRecordFast is decodeRecord's one pass (encoding/json's semantics,
// no member unknown to this version anywhere), or nil where it cannot be
// sure: an unknown member anywhere, bytes after the record, a state
// absent or null (which then reads as what it is on the slow path).
func decodeRecordFast(raw []byte) *record {
	rec := &record{State: &release.State{}}
	target, done := rec.State.StrictTarget()
	w := struct {
		State   any       `json:"state"`
		Outbox  *[]owed   `json:"outbox"`
		Applied *[]string `json:"applied"`
		Indexed **indexed `json:"indexed"`
	}{target, &rec.Outbox, &rec.Applied, &rec.Indexed}
	if jsonv2.Unmarshal(raw, &w, fastRecordOptions) != nil || w.State != target {
		return nil
	}
	if rec.State.Key.PR == 0 {
		return nil // no state member, or an empty one: the slow path says which
	}
	done()
	return rec
}
