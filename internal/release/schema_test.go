package release_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/release"
)

// recordV1 is a release state as golive wrote it before records carried a
// schema number (version 1): a merged release with a sign-off, a probe
// history and the comment ids it applied.
const recordV1 = `{"key":{"owner":"o","repo":"r","pr":7},"installation":42,"title":"Release 1.2","author":"amy",` +
	`"head_ref":"release/1.2","base_ref":"main","head_sha":"sha1","status":"merged","opened_at":"2026-11-01T10:00:00Z",` +
	`"merged_at":"2026-11-02T10:00:00Z","issue":3,"comment_id":9,"check_run_id":11,` +
	`"signoffs":[{"role":"security","by":"sam","at":"2026-11-02T09:00:00Z","sha":"sha1","comment_id":5}],` +
	`"probes":{"smoke":{"last":{"at":"2026-11-02T11:00:00Z","ok":true,"latency":1000000}}},` +
	`"seen":[5],"written":{"issue_body":"body"}}`

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSchemaUpgradeFromV1: a version 1 record is read by this version and
// written back with every member it had, and the schema number.
func TestSchemaUpgradeFromV1(t *testing.T) {
	var s release.State
	if err := json.Unmarshal([]byte(recordV1), &s); err != nil {
		t.Fatal(err)
	}
	if got := s.Schema(); got != 1 {
		t.Errorf("schema of a record without a number: got %d, want 1", got)
	}
	out, err := json.Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	got, want := decode(t, out), decode(t, []byte(recordV1))
	if got["schema"] != float64(release.SchemaVersion) {
		t.Errorf("written schema: got %v, want %d", got["schema"], release.SchemaVersion)
	}
	delete(got, "schema")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("version 1 record changed on upgrade (-want +got):\n%s", diff)
	}
}

// TestSchemaRollbackKeepsNewerMembers: a record of this version is taken
// up by a newer golive (N+1, which adds members and raises the number),
// then read and written by this one again (a rollback), then read by N+1
// again (the roll forward): nothing either wrote is lost.
func TestSchemaRollbackKeepsNewerMembers(t *testing.T) {
	var s release.State
	if err := json.Unmarshal([]byte(recordV1), &s); err != nil {
		t.Fatal(err)
	}
	n, err := json.Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	// Version N+1 writes the record: its own members, its number, and a
	// change to a member both versions know.
	next := decode(t, n)
	next["schema"] = release.SchemaVersion + 1
	next["retention_class"] = "regulated"
	next["deploy_windows"] = []any{map[string]any{"env": "production", "closes": "2026-12-01T00:00:00Z"}}
	next["title"] = "Release 1.2.1"
	written, err := json.Marshal(next)
	if err != nil {
		t.Fatal(err)
	}
	// Rolled back: version N reads it, changes it, writes it.
	var back release.State
	if err := json.Unmarshal(written, &back); err != nil {
		t.Fatal(err)
	}
	if back.Title != "Release 1.2.1" || back.Schema() != release.SchemaVersion+1 {
		t.Fatalf("version N read title %q, schema %d; want N+1's title and number", back.Title, back.Schema())
	}
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	out, err := json.Marshal(release.Finish(&back, at))
	if err != nil {
		t.Fatal(err)
	}
	// Rolled forward: N+1 finds its members as it left them, and N's change.
	got, wrote := decode(t, out), decode(t, written)
	for _, k := range []string{"schema", "retention_class", "deploy_windows", "title"} {
		if diff := cmp.Diff(wrote[k], got[k]); diff != "" {
			t.Errorf("member %q after the rollback (-N+1 wrote +N wrote):\n%s", k, diff)
		}
	}
	if got["finished_at"] != "2026-12-02T10:00:00Z" {
		t.Errorf("version N's change lost: finished_at %v", got["finished_at"])
	}
	delete(got, "finished_at")
	delete(got, "audit")
	if diff := cmp.Diff(wrote, got); diff != "" {
		t.Errorf("record changed beyond version N's own change (-N+1 wrote +after rollback):\n%s", diff)
	}
}

// TestSchemaUpgradeFromV2: a version 2 record kept the issue body and
// the check digest as text. This version reads them as what golive last
// wrote, writes the record back with every member it had, and on its
// next write keeps hashes instead (written.go).
func TestSchemaUpgradeFromV2(t *testing.T) {
	const v2 = `{"key":{"owner":"o","repo":"r","pr":7},"installation":42,"title":"Release 1.2","author":"amy",` +
		`"head_ref":"release/1.2","base_ref":"main","head_sha":"sha1","status":"open","opened_at":"2026-11-01T10:00:00Z",` +
		`"issue":3,"check_run_id":11,"written":{"issue_body":"- [x] <!-- golive:item a -->\n- [ ] <!-- golive:item b -->\n",` +
		`"check_digest":"sha1|completed|failure|t|0|summary"},"schema":2}`
	var s release.State
	if err := json.Unmarshal([]byte(v2), &s); err != nil {
		t.Fatal(err)
	}
	c := release.CheckRun{SHA: "sha1", Status: "completed", Conclusion: "failure", Title: "t", Summary: "summary"}
	if !s.IssueWritten("- [x] <!-- golive:item a -->\n- [ ] <!-- golive:item b -->\n") || !s.CheckWritten(c) {
		t.Fatal("version 2's text is not read as what golive wrote")
	}
	out, err := json.Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	got, want := decode(t, out), decode(t, []byte(v2))
	delete(got, "schema")
	delete(want, "schema")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("version 2 record changed on upgrade (-want +got):\n%s", diff)
	}
	s.SetIssueWritten("- [x] <!-- golive:item a -->\n- [x] <!-- golive:item b -->\n")
	s.SetCheckWritten(c)
	if !s.CheckWritten(c) || s.HumanChanges("- [x] <!-- golive:item a -->\n- [ ] <!-- golive:item b -->\n")["b"] {
		t.Error("after the first write of this version, the hashes do not answer")
	}
}
