package release

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// SchemaVersion is the version of the release record's format golive
// writes. Version 1 is the record before it carried a number.
//
// Upgrades and rollbacks (docs/operations.md): a new version only adds
// members. A version reads a record of a newer one by ignoring the
// members it does not know at the top of the state and writing them back
// unchanged, with the newer number, so running version N again after
// N+1 (a rollback) and then N+1 again loses nothing N+1 wrote there. A
// change that is not additive (a member renamed, a meaning changed, a new
// member inside a nested object) needs a new top-level member instead.
const SchemaVersion = 3

// stateFields has no methods, so encoding it does not recurse.
type stateFields State

// knownMembers are the JSON names of State's members in this version.
var knownMembers = func() map[string]bool {
	m := map[string]bool{"schema": true}
	t := reflect.TypeFor[State]()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		m[name] = true
	}
	return m
}()

// Schema is the version of the record the state was read from (its own
// version for a state never read), or SchemaVersion when newer.
func (s *State) Schema() int {
	if s.schema == 0 {
		return SchemaVersion
	}
	return s.schema
}

// MarshalJSON writes the state with its schema version and the members a
// newer golive wrote that this version kept without knowing.
func (s State) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal((*stateFields)(&s))
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSuffix(b, []byte("}"))
	b = append(b, `,"schema":`...)
	b = strconv.AppendInt(b, int64(max(s.schema, SchemaVersion)), 10)
	names := make([]string, 0, len(s.unknown))
	for k := range s.unknown {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		name, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b = append(b, ',')
		b = append(b, name...)
		b = append(b, ':')
		b = append(b, s.unknown[k]...)
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads a state of any version: members this version does
// not know are kept for MarshalJSON, not dropped.
func (s *State) UnmarshalJSON(b []byte) error {
	var v struct {
		*stateFields
		Schema int `json:"schema"`
	}
	v.stateFields = (*stateFields)(s)
	// The common case, a record of this version or an older one, is read
	// once; only one with members this version does not know is read again.
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if dec.Decode(&v) == nil {
		s.schema, s.unknown = max(v.Schema, 1), nil
		return nil
	}
	*s = State{}
	v.stateFields = (*stateFields)(s)
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	for k := range all {
		if knownMembers[k] {
			delete(all, k)
		}
	}
	if len(all) == 0 {
		all = nil
	}
	s.schema, s.unknown = max(v.Schema, 1), all
	return nil
}

// strictState is the state's members and its version, with no methods,
// so encoding/json decodes it in the one pass of its enclosing value.
type strictState struct {
	*stateFields
	Schema int `json:"schema"`
}

// StrictTarget gives a value to decode the state into, as a member of a
// bigger document read by a decoder that refuses unknown members: the
// document is scanned once, not once more for the state as UnmarshalJSON
// needs (tracker's record load, the hot path of every event). done
// finishes the state after a successful decode. A decode that fails (a
// member this version does not know, say) leaves the state to be read
// again with UnmarshalJSON, which keeps such members.
func (s *State) StrictTarget() (target any, done func()) {
	v := &strictState{stateFields: (*stateFields)(s)}
	return v, func() { s.schema, s.unknown = max(v.Schema, 1), nil }
}
