package receipt

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// TestSimulateDroppingAnItem replays 20 recorded merge receipts under a
// config that drops one required item: exactly the releases it alone
// blocked become ready, every receipt changes in that item only, and
// nothing else moves.
func TestSimulateDroppingAnItem(t *testing.T) {
	c := defaultConfig(t)
	x := firstManual(c)
	y := "iam-permissions"
	var receipts []Receipt
	for i := range 20 {
		s := fullRelease(t, c)
		s.Key.PR = 100 + i
		switch i % 4 {
		case 0: // blocked by x alone
			delete(s.Manual, x)
		case 1: // blocked by x and y
			delete(s.Manual, x)
			delete(s.Manual, y)
		case 2: // blocked by a hold: no checklist change lifts it
			s.Hold = &release.Hold{By: "carol", At: t0, Reason: "freeze"}
		}
		r, err := Build(c, s, Point{Kind: KindMerge, ID: "merge", At: s.MergedAt}, facts())
		if err != nil {
			t.Fatal(err)
		}
		receipts = append(receipts, r)
	}
	f, err := checklist.Parse(".github/golive.yml", []byte("version: 1\ndrop: ["+x+"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	def, _ := checklist.Default()
	dropped, err := checklist.Resolve(def, f)
	if err != nil {
		t.Fatal(err)
	}
	flipped := 0
	for i, r := range receipts {
		got := Simulate(dropped, r)
		wantWas, wantNow := i%4 == 3, i%4 == 0 || i%4 == 3
		if got.WasReady != wantWas || got.NowReady != wantNow {
			t.Errorf("release %d (case %d): ready %v → %v, want %v → %v", i, i%4, got.WasReady, got.NowReady, wantWas, wantNow)
		}
		was := "done"
		if i%4 <= 1 {
			was = "pending"
		}
		if diff := cmp.Diff([]Change{{Item: x, Was: was}}, got.Changes); diff != "" {
			t.Errorf("release %d changes (-want +got):\n%s", i, diff)
		}
		if got.WasReady != got.NowReady {
			flipped++
		}
		// The same config changes nothing.
		if same := Simulate(c, r); same.NowReady != r.Verdict.Ready || len(same.Changes) != 0 {
			t.Errorf("release %d under its own config: %+v", i, same)
		}
	}
	if flipped != 5 {
		t.Errorf("%d of 20 releases flipped, want the 5 blocked by %s alone", flipped, x)
	}
	t.Logf("dropping %s would have let %d of the last 20 releases merge", x, flipped)
}

// TestSimulateAddingAnItem: an item the new config adds has no recorded
// evidence, so it blocks every release.
func TestSimulateAddingAnItem(t *testing.T) {
	c := defaultConfig(t)
	r, err := Build(c, fullRelease(t, c), Point{Kind: KindMerge, ID: "merge", At: t0}, facts())
	if err != nil {
		t.Fatal(err)
	}
	f, err := checklist.Parse(".github/golive.yml", []byte(fmt.Sprintf("version: 1\nsections:\n  - id: %s\n    groups:\n      - id: extra\n        title: Extra\n        items:\n          - id: new-item\n            title: A new item\n", c.Sections[0].ID)))
	if err != nil {
		t.Fatal(err)
	}
	def, _ := checklist.Default()
	more, err := checklist.Resolve(def, f)
	if err != nil {
		t.Fatal(err)
	}
	got := Simulate(more, r)
	if !got.WasReady || got.NowReady || len(got.Changes) != 1 || got.Changes[0] != (Change{Item: "new-item", Now: "pending", Blocking: true}) {
		t.Errorf("got %+v", got)
	}
}
