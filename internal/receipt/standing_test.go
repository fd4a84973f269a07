package receipt

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/release"
)

// TestReceiptSignoffCarriesCheckedStanding: a receipt's sign-off says what
// golive checked of the signer at that moment and when; a sign-off
// without a recorded check (restored from the ledger) says nothing.
func TestReceiptSignoffCarriesCheckedStanding(t *testing.T) {
	c := defaultConfig(t)
	s := fullRelease(t, c)
	if len(s.Signoffs) < 2 {
		t.Fatalf("the full release has %d sign-offs, want 2 or more", len(s.Signoffs))
	}
	s.Signoffs[0].Standing = &release.Standing{Permission: "maintain", Teams: []string{"acme/sre"}, CheckedAt: t0.Add(-2 * time.Minute)}
	s.Signoffs[1].Standing = nil
	r, err := Build(c, s, Point{Kind: KindMerge, ID: "merge", At: s.MergedAt}, facts())
	if err != nil {
		t.Fatal(err)
	}
	want := &Checked{Permission: "maintain", Teams: []string{"acme/sre"}, At: "2026-11-26T11:58:00Z"}
	if diff := cmp.Diff(want, r.Signoffs[0].Checked); diff != "" {
		t.Errorf("checked standing in the receipt (-want +got):\n%s", diff)
	}
	if r.Signoffs[1].Checked != nil {
		t.Errorf("a sign-off without a check: %+v, want none", r.Signoffs[1].Checked)
	}
}
