package release_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/release"
)

// body is a tracking issue body with n boxes, the first ticked ones on.
func body(n, ticked int) string {
	var b strings.Builder
	b.WriteString("<!-- golive:release o/r#7 -->\n# Release\n")
	for i := range n {
		box := " "
		if i < ticked {
			box = "x"
		}
		fmt.Fprintf(&b, "- [%s] %s Item %d — tick by anyone with write access\n", box, release.ItemMarker(fmt.Sprintf("item-%03d", i)), i)
	}
	return b.String()
}

// tick sets box id of a body as a person would.
func tick(body, id string, on bool) string {
	from, to := "- [ ] ", "- [x] "
	if !on {
		from, to = to, from
	}
	return strings.Replace(body, from+release.ItemMarker(id), to+release.ItemMarker(id), 1)
}

// TestWrittenKeepsAHashNotTheText: what golive wrote is recognised,
// anything else is not, and the record holds neither text.
func TestWrittenKeepsAHashNotTheText(t *testing.T) {
	for _, ticked := range []int{0, 40, 162} {
		s := release.New(release.Key{Owner: "o", Repo: "r", PR: 7})
		b := body(162, ticked)
		c := release.CheckRun{SHA: "abc", Status: "completed", Conclusion: "failure", Title: "3 of 162", Summary: strings.Repeat("summary line\n", 400)}
		if s.KnowsIssueWritten() || s.IssueWritten(b) || s.CheckWritten(c) {
			t.Fatal("a release golive never wrote for counts as written")
		}
		s.SetIssueWritten(b)
		s.SetCheckWritten(c)
		if !s.KnowsIssueWritten() || !s.IssueWritten(b) || !s.CheckWritten(c) {
			t.Fatalf("%d ticked: golive's own write is not recognised", ticked)
		}
		if s.IssueWritten(b+"\n") || s.IssueWritten(tick(b, "item-100", ticked <= 100)) || s.IssueWritten("") {
			t.Errorf("%d ticked: another body counts as golive's", ticked)
		}
		c2 := c
		c2.Summary += "one more\n"
		if s.CheckWritten(c2) {
			t.Errorf("%d ticked: a changed check summary counts as written", ticked)
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), "tick by anyone") || strings.Contains(string(out), "summary line") {
			t.Errorf("%d ticked: the record keeps the text: %s", ticked, out)
		}
		// Half the ids at most: the shorter of the ticked and unticked.
		if len(out) > 2600 {
			t.Errorf("%d ticked: the state is %d bytes", ticked, len(out))
		}
		var back release.State
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatal(err)
		}
		if !back.IssueWritten(b) || !back.CheckWritten(c) {
			t.Errorf("%d ticked: the hashes do not survive a save", ticked)
		}
	}
}

// TestWrittenHumanChanges: the boxes a person changed since golive's
// write are found from the kept boxes alone, whichever way they are kept
// (ticked ones listed, or unticked ones), and as from an older record's
// text.
func TestWrittenHumanChanges(t *testing.T) {
	for _, ticked := range []int{0, 10, 150, 162} {
		b := body(162, ticked)
		human := tick(tick(b, "item-005", ticked <= 5), "item-155", ticked <= 155)
		want := map[string]bool{"item-005": ticked <= 5, "item-155": ticked <= 155}
		s := release.New(release.Key{Owner: "o", Repo: "r", PR: 7})
		s.SetIssueWritten(b)
		older := release.New(release.Key{Owner: "o", Repo: "r", PR: 7})
		older.Written.IssueBody = b // as a golive before schema 3 kept it
		for name, st := range map[string]*release.State{"hash": s, "older text": older} {
			got := st.HumanChanges(human)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%d ticked, %s: HumanChanges = %v, want %v", ticked, name, got, want)
			}
			if got := st.HumanChanges(b); len(got) != 0 {
				t.Errorf("%d ticked, %s: golive's own body shows changes %v", ticked, name, got)
			}
		}
	}
}

// TestWrittenAcrossVersions: a golive before schema 3 reads the hashes
// as a body and a digest no rendering matches (so it re-reads and
// writes once, and finds no box a person changed), and what it does
// next is honoured here: the text it stores is used, and its forgetting
// after a human edit is not undone by the boxes it kept unread.
func TestWrittenAcrossVersions(t *testing.T) {
	b := body(162, 3)
	s := release.New(release.Key{Owner: "o", Repo: "r", PR: 7})
	s.SetIssueWritten(b)
	s.SetCheckWritten(release.CheckRun{SHA: "abc", Summary: "s"})
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, out)
	// Schema 2 knew written's four members and keeps written_boxes as a
	// top-level member it does not know.
	w := m["written"].(map[string]any)
	for k := range w {
		if k != "issue_body" && k != "issue_state" && k != "comment" && k != "check_digest" {
			t.Errorf("written.%s is nested: an older golive would drop it", k)
		}
	}
	if _, ok := m["written_boxes"]; !ok {
		t.Fatal("no written_boxes at the top of the record")
	}
	old := w["issue_body"].(string)
	if old == b || len(release.Ticks(old)) != 0 || w["check_digest"] == (release.CheckRun{SHA: "abc", Summary: "s"}).Digest() {
		t.Errorf("an older golive would take the hashes for golive's text: %q %v", old, w["check_digest"])
	}

	// The older golive forgets the body after a human edit.
	w["issue_body"] = ""
	var forgot release.State
	if err := json.Unmarshal(mustJSON(t, m), &forgot); err != nil {
		t.Fatal(err)
	}
	if forgot.KnowsIssueWritten() || forgot.IssueWritten(b) || len(forgot.HumanChanges(tick(b, "item-050", true))) != 0 {
		t.Error("a body an older golive forgot still counts as written")
	}
	// The older golive writes another body and stores its text.
	b2 := tick(b, "item-050", true)
	w["issue_body"] = b2
	var wrote release.State
	if err := json.Unmarshal(mustJSON(t, m), &wrote); err != nil {
		t.Fatal(err)
	}
	if !wrote.IssueWritten(b2) || wrote.IssueWritten(b) {
		t.Error("the text an older golive stored is not what counts")
	}
	if got := wrote.HumanChanges(b); fmt.Sprint(got) != "map[item-050:false]" {
		t.Errorf("HumanChanges against the older golive's text = %v", got)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
