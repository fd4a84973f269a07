package render

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/release"
)

// TestLedgerKeepsMilestones: the events golive already acted on once (a
// chat notification, a health observation) ride in the signed ledger, so
// a release rebuilt after a Redis loss does not notify or count them a
// second time, also when the ledger had to shrink to fit the body.
func TestLedgerKeepsMilestones(t *testing.T) {
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	k := release.Key{Owner: "o", Repo: "r", PR: 7}
	s := release.New(k)
	s = release.Mark(s, []string{"ready", "merged"}, at)
	s.Waivers = map[string]release.Waiver{"x": {By: "ann", At: at, Reason: noise(100000)}}
	key := []byte("secret")
	for name, line := range map[string]string{"whole": LedgerLine(LedgerOf(s), key), "shrunk": boundedLine(LedgerOf(s), key)} {
		l, ok, err := ParseLedger(Marker(k)+"\n"+line+"\n", k, key)
		if !ok || err != nil {
			t.Fatalf("%s: ok=%v err=%v", name, ok, err)
		}
		got := release.New(k)
		l.Restore(got)
		if d := cmp.Diff(s.Milestones, got.Milestones); d != "" {
			t.Errorf("%s: milestones (-want +got):\n%s", name, d)
		}
		if ids := release.MilestoneIDs(got); len(ids) != 2 {
			t.Errorf("%s: restored milestones %v", name, ids)
		}
	}
}
