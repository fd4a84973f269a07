package webhook

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// TestSlimDecodesAsEncodingJSON: the slim CI types are decoded by the
// json/v2 engine with encoding/json's (v1's) semantics, in one pass. Over
// every CI payload in testdata and thousands of damaged copies of each
// (cut short, a byte changed, a member doubled, a wrong type, bad UTF-8,
// names in other case), decodeSlim refuses exactly what encoding/json
// refuses and reads exactly what it reads.
func TestSlimDecodesAsEncodingJSON(t *testing.T) {
	files := map[string]string{"check_run/completed.json": "check_run", "check_run/created.json": "check_run",
		"check_run/rerequested.json": "check_run", "check_suite/completed.json": "check_suite", "status/payload.json": "status"}
	checked := 0
	for file, event := range files {
		b := payload(t, file)
		var variants [][]byte
		for i := 0; i < len(b); i += 101 {
			variants = append(variants, b[:i])
		}
		for i := 3; i < len(b); i += 193 {
			for _, c := range []byte{'"', '{', '}', ',', ':', '1', 'x', ' ', 0xff} {
				v := bytes.Clone(b)
				v[i] = c
				variants = append(variants, v)
			}
		}
		variants = append(variants,
			bytes.Replace(b, []byte(`"head_sha"`), []byte(`"HEAD_SHA"`), 1),
			bytes.Replace(b, []byte(`"sha"`), []byte(`"Sha"`), 1),
			bytes.Replace(b, []byte(`{`), []byte(`{"action":"created","action":"completed",`), 1),
			bytes.Replace(b, []byte(`"id":`), []byte(`"id":"7",`), 1),
			bytes.Replace(b, []byte(`"login":"`), []byte("\"login\":\"\xc3\x28"), 1),
			append(bytes.Clone(b), " \n\t"...),
			append(bytes.Clone(b), "{}"...),
		)
		for _, v := range variants {
			got, gerr := decodeSlim(event, v)
			want := map[string]any{"check_run": &slimCheckRun{}, "check_suite": &slimCheckSuite{}, "status": &slimStatus{}}[event]
			werr := json.Unmarshal(v, want)
			if (gerr != nil) != (werr != nil) {
				t.Fatalf("%s, %.80q…: decodeSlim %v, encoding/json %v", file, v, gerr, werr)
			}
			if gerr == nil && !reflect.DeepEqual(got, want) {
				t.Fatalf("%s, %.80q…: decodeSlim read %+v, encoding/json %+v", file, v, got, want)
			}
			checked++
		}
	}
	t.Logf("%d payloads decoded alike", checked)
}
