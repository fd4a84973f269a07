package receipt

import (
	"bytes"
	"crypto/ed25519"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLatestMerges: only merge receipts, the latest per release, newest
// first, cut at n.
func TestLatestMerges(t *testing.T) {
	rs := []Receipt{
		{Kind: KindMerge, Release: "o/r#1", DecidedAt: "2026-11-01T00:00:00Z"},
		{Kind: KindMerge, Release: "o/r#2", DecidedAt: "2026-11-03T00:00:00Z"},
		{Kind: KindWindowClosed, Release: "o/r#3", DecidedAt: "2026-11-09T00:00:00Z"},
		{Kind: KindMerge, Release: "o/r#1", DecidedAt: "2026-11-05T00:00:00Z"},
		{Kind: KindMerge, Release: "o/r#4", DecidedAt: "2026-11-04T00:00:00Z"},
	}
	var got []string
	for _, r := range LatestMerges(rs, 2) {
		got = append(got, r.Release+"@"+r.DecidedAt[:10])
	}
	if d := cmp.Diff([]string{"o/r#1@2026-11-05", "o/r#4@2026-11-04"}, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if n := len(LatestMerges(rs, 0)); n != 3 {
		t.Errorf("n=0: %d releases, want all 3", n)
	}
}

func TestSummary(t *testing.T) {
	rps := []Replay{{WasReady: true, NowReady: false}, {WasReady: true, NowReady: false}, {WasReady: false, NowReady: true}, {WasReady: true, NowReady: true}}
	if got, want := Summary(rps), "this change would have blocked 2 of the last 4 releases, and let through 1 that were blocked"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := Summary(rps[:1]), "this change would have blocked 1 of the last 1 release"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestRecordedVerifies: Recorded replays only receipts that verify under
// the key and are of the repository asked about; the rest are reported.
// A copy of a receipt counts once, and it stops once it has n releases.
func TestRecordedVerifies(t *testing.T) {
	key, _ := KeyFromSeed(bytes.Repeat([]byte{7}, 32))
	other, _ := KeyFromSeed(bytes.Repeat([]byte{8}, 32))
	line := func(k ed25519.PrivateKey, rel Receipt) string {
		_, file, err := Sign(rel, k)
		if err != nil {
			t.Fatal(err)
		}
		return "<!-- x -->\n" + string(file) + "\n"
	}
	mk := func(repo string, pr int, at string) Receipt {
		return Receipt{Schema: Schema, Kind: KindMerge, Point: "merge", Release: "o/" + repo + "#" + string(rune('0'+pr)), DecidedAt: at,
			Repository: Repository{Owner: "o", Name: repo}, PR: PR{Number: pr}, Items: []Item{}, Signoffs: []Signoff{}, HoldHistory: []HoldEvent{}}
	}
	good := line(key, mk("r", 1, "2026-11-02T00:00:00Z"))
	rec := NewRecorded("o", "r", key.Public().(ed25519.PublicKey), 2, nil)
	if !rec.Add(9, []string{"no receipt here", good, good, line(other, mk("r", 2, "2026-11-03T00:00:00Z")), line(key, mk("elsewhere", 3, "2026-11-03T00:00:00Z"))}) {
		t.Error("one release of two: wants more")
	}
	if rec.Add(8, []string{line(key, mk("r", 4, "2026-11-01T00:00:00Z"))}) {
		t.Error("two releases of two: still wants more")
	}
	var got []int
	for _, r := range rec.Merges() {
		got = append(got, r.PR.Number)
	}
	if d := cmp.Diff([]int{1, 4}, got); d != "" {
		t.Errorf("replayed (-want +got):\n%s", d)
	}
	if len(rec.Rejected) != 2 || !strings.Contains(rec.Rejected[0].String(), "#9: receipt sha256:") ||
		!strings.Contains(rec.Rejected[0].Reason, "key") || !strings.Contains(rec.Rejected[1].Reason, "another repository") {
		t.Errorf("rejected: %+v", rec.Rejected)
	}
	// A copy of a real receipt with its signature broken, on a newer issue
	// (read first), does not hide the real one.
	real := mk("r", 5, "2026-11-04T00:00:00Z")
	signed, _, err := Sign(real, key)
	if err != nil {
		t.Fatal(err)
	}
	signed.Signature = strings.Repeat("A", len(signed.Signature)-2) + "=="
	broken, err := signed.Encode()
	if err != nil {
		t.Fatal(err)
	}
	hide := NewRecorded("o", "r", key.Public().(ed25519.PublicKey), 5, nil)
	hide.Add(12, []string{string(broken)})
	hide.Add(11, []string{line(key, real)})
	if m := hide.Merges(); len(m) != 1 || m[0].PR.Number != 5 || len(hide.Rejected) != 1 {
		t.Errorf("a broken copy read first: merges %+v, rejected %+v", m, hide.Rejected)
	}
	byPR := NewRecorded("o", "r", key.Public().(ed25519.PublicKey), 20, []int{4, 6})
	byPR.Add(9, []string{good})
	byPR.Add(8, []string{line(key, mk("r", 4, "2026-11-01T00:00:00Z"))})
	if d := cmp.Diff([]int{6}, byPR.Missing()); d != "" || len(byPR.Merges()) != 1 || byPR.Merges()[0].PR.Number != 4 {
		t.Errorf("by PR: missing %v, merges %+v", byPR.Missing(), byPR.Merges())
	}
}
