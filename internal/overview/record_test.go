package overview_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/overview"
	"github.com/ag06mixer/golive/internal/receipt"
	"github.com/ag06mixer/golive/internal/release"
)

func itemOf(t *testing.T, r *overview.Release, id string) overview.Item {
	t.Helper()
	for _, it := range r.Items {
		if it.ID == id {
			return it
		}
	}
	t.Fatalf("no item %s", id)
	return overview.Item{}
}

// Each item says why it blocks the release or lets it through, in the
// gate's own terms.
func TestWhy(t *testing.T) {
	c, s := story(t)
	r := overview.Build(c, s, "", t0.Add(120*time.Hour))
	for _, tc := range []struct {
		id     string
		blocks bool
		want   []string
	}{
		{"unit-tests-comprehensive-and-passing", true, []string{"Blocks the release: ", "failure", "at 2026-11-21 11:00 UTC"}},
		{"sql-injection-prevention-verified", false, []string{"Allowed: ", "succeeded", "`c0ffee0`"}},
		{"disaster-recovery-plan-documented", false, []string{"Allowed: waived by rita at 2026-11-20 14:00 UTC: DR plan lands in 2.4 (until 2026-12-20 09:00 UTC)."}},
		// Its waiver expired, and it counts after the merge anyway.
		{"cost-optimization-opportunities-identified", false, []string{"Not judged yet: starts at the merge."}},
		{"waf-rules-defined-optional", false, []string{"Does not block (optional): "}},
		{"technical-lead-approval", false, []string{"Allowed: ", "tina"}},
		{"security-team-approval", true, []string{"Blocks the release: waiting for `/approve security`."}},
	} {
		it := itemOf(t, r, tc.id)
		if it.Blocks != tc.blocks {
			t.Errorf("%s: blocks %v, want %v (%s)", tc.id, it.Blocks, tc.blocks, it.Why)
		}
		for _, w := range tc.want {
			if !strings.Contains(it.Why, w) {
				t.Errorf("%s: why %q, want it to say %q", tc.id, it.Why, w)
			}
		}
	}
	// Exactly the evaluation's missing items block.
	n := 0
	for _, it := range r.Items {
		if it.Blocks {
			n++
			if !strings.HasPrefix(it.Why, "Blocks the release") {
				t.Errorf("%s blocks but says %q", it.ID, it.Why)
			}
		} else if strings.HasPrefix(it.Why, "Blocks") {
			t.Errorf("%s does not block but says %q", it.ID, it.Why)
		}
	}
	if n != len(r.Blockers) {
		t.Errorf("%d items block, the record lists %d blockers", n, len(r.Blockers))
	}
}

// The audit trail names items by title; ids elsewhere in a detail stay.
func TestAuditTitles(t *testing.T) {
	c, s := story(t)
	s.Audit = []release.AuditEntry{
		{At: t0, Actor: "rita", Action: "ticked", Detail: "operations-runbooks-complete"},
		{At: t0, Actor: "victor", Action: "refused", Detail: "tick of waf-rules-defined-optional: victor may not tick it"},
		{At: t0, Actor: "adam", Action: "waived", Detail: "disaster-recovery-plan-documented: waf-rules-defined-optional later"},
		{At: t0, Action: "probe", Detail: "application-health-endpoints-implemented failing: 503"},
		{At: t0, Actor: "sam", Action: "signed", Detail: "Security Review on c0ffee0"},
		{At: t0, Actor: "x", Action: "ticked", Detail: "no-such-item"},
	}
	r := overview.Build(c, s, "", t0)
	var got []string
	for _, a := range r.Audit {
		got = append(got, a.Item+"|"+a.Before+"["+a.ItemTitle+"]"+a.After+"|"+a.Detail)
	}
	title := func(id string) string { return itemOf(t, r, id).Title }
	want := []string{
		"|no-such-item[]|no-such-item",
		"|Security Review on c0ffee0[]|Security Review on c0ffee0",
		"application-health-endpoints-implemented|[" + title("application-health-endpoints-implemented") + "] failing: 503|" + title("application-health-endpoints-implemented") + " failing: 503",
		"disaster-recovery-plan-documented|[" + title("disaster-recovery-plan-documented") + "]: waf-rules-defined-optional later|" + title("disaster-recovery-plan-documented") + ": waf-rules-defined-optional later",
		"waf-rules-defined-optional|tick of [" + title("waf-rules-defined-optional") + "]: victor may not tick it|tick of " + title("waf-rules-defined-optional") + ": victor may not tick it",
		"operations-runbooks-complete|[" + title("operations-runbooks-complete") + "]|" + title("operations-runbooks-complete"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit lines (-want +got):\n%s", diff)
	}
}

// Sections fold: those with blockers first, most blockers first; the
// config's order among equals; every item in exactly one section.
func TestSections(t *testing.T) {
	c, s := story(t)
	r := overview.Build(c, s, "", t0.Add(120*time.Hour))
	secs := r.Sections()
	n, seenComplete := 0, false
	for i, sec := range secs {
		n += len(sec.Items)
		if sec.Complete() {
			seenComplete = true
		} else if seenComplete {
			t.Errorf("section %s blocks but comes after a complete one", sec.Title)
		}
		if i > 0 && secs[i-1].Blocking < sec.Blocking {
			t.Errorf("section %s (%d blocking) after %s (%d)", sec.Title, sec.Blocking, secs[i-1].Title, secs[i-1].Blocking)
		}
		for _, it := range sec.Items {
			if it.SectionID != sec.ID {
				t.Errorf("item %s of section %s filed under %s", it.ID, it.SectionID, sec.ID)
			}
		}
	}
	if n != len(r.Items) || secs[0].Blocking == 0 {
		t.Errorf("%d items in sections of %d; first section %+v", n, len(r.Items), secs[0].Title)
	}
	if !seenComplete {
		t.Error("no complete section: the post-go-live ones block nothing before the merge")
	}
}

func TestMarkOptional(t *testing.T) {
	c, s := story(t)
	r := overview.Build(c, s, "", t0)
	if it := itemOf(t, r, "waf-rules-defined-optional"); it.Required || it.MarkOptional() {
		t.Errorf("%q (required %v) would read \"(optional) (optional)\"", it.Title, it.Required)
	}
	if (overview.Item{Title: "Chaos day"}).MarkOptional() != true {
		t.Error("an optional item whose title does not say so is not marked")
	}
	if (overview.Item{Title: "Chaos day", Required: true}).MarkOptional() {
		t.Error("a required item is marked optional")
	}
}

// The merge receipt beside now: what changed since, decisive first, and
// sign-offs voided since.
func TestCompareDecided(t *testing.T) {
	c, s := story(t)
	s.Hold = nil
	merged := t0.Add(30 * time.Hour)
	rc, err := receipt.Build(c, s, receipt.Point{Kind: receipt.KindMerge, ID: "merge", At: merged}, receipt.Facts{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	// Since: the unit tests pass, and tina's sign-off is voided.
	k := "CI / unit tests@" + s.HeadSHA
	ck := s.Checks[k]
	ck.Conclusion = "success"
	s.Checks[k] = ck
	s.Signoffs[1].VoidedAt, s.Signoffs[1].VoidReason = merged.Add(time.Hour), "pushed"
	s.Status, s.MergedAt = release.StatusMerged, merged
	r := overview.Build(c, s, "", merged.Add(2*time.Hour))
	d := overview.CompareDecided(r, rc, "sha256:abc")
	if d.Verdict.Ready || !d.DecidedAt.Equal(merged) || d.Digest != "sha256:abc" {
		t.Errorf("decided %+v", d.Verdict)
	}
	if len(d.Changed) == 0 || d.Changed[0].Item != "unit-tests-comprehensive-and-passing" || d.Changed[0].Then != release.ItemFailing || d.Changed[0].Now != release.ItemDone || !d.Changed[0].Decisive {
		t.Fatalf("changes %+v, want the unit tests failing → done first", d.Changed)
	}
	// Decisive: the unit tests, and the tech lead's approval item that
	// tina's voided sign-off leaves pending; the post-go-live items moved
	// from "later" too, but the merge did not rest on them.
	if d.Decisive() != 2 || d.Changed[1].Item != "technical-lead-approval" || d.Changed[2].Decisive {
		t.Errorf("%d decisive changes, want 2: %+v", d.Decisive(), d.Changed)
	}
	it := itemOf(t, r, "unit-tests-comprehensive-and-passing")
	if !d.Differs(it) || d.Differs(itemOf(t, r, "sql-injection-prevention-verified")) {
		t.Error("Differs does not tell the changed item from an unchanged one")
	}
	if len(d.Signoffs) != 1 || len(d.Voided) != 1 || d.Voided[0].By != "tina" {
		t.Errorf("sign-offs at merge %+v, voided since %+v", d.Signoffs, d.Voided)
	}
}
