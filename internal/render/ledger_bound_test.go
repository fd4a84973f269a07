package render_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// churned is a release after 100 × /approve + /revoke, posted twice: 200
// voided sign-offs, plus a hold and waivers with reasons near GitHub's
// comment limit.
func churned() *release.State {
	s := progressed()
	for i := range 200 {
		s.Signoffs = append(s.Signoffs, release.Signoff{Role: "security", By: fmt.Sprintf("user-%d", i), At: t0, SHA: s.HeadSHA,
			URL: fmt.Sprintf("https://github.com/ag06mixer/mixer/pull/42#issuecomment-%d", 1000000+i), CommentID: int64(1000000 + i),
			VoidedAt: t0, VoidReason: "revoked by user-" + fmt.Sprint(i) + " in a comment that also said " + strings.Repeat("x", 100)})
	}
	s.Hold = &release.Hold{By: "eve", At: t0, Reason: strings.Repeat("wait ", 12000)}
	s.Waivers["rollback-tested"] = release.Waiver{By: "dave", At: t0, Reason: strings.Repeat("because ", 7000)}
	return s
}

func TestLedgerBoundedNoPanic(t *testing.T) {
	cfg := defaultConfig(t)
	s := churned()
	key := []byte("k")
	body := render.IssueWithLedger(cfg, s, t0, key) // panicked with slice bounds out of range
	if len(body) > render.MaxBody {
		t.Fatalf("body is %d characters, over %d", len(body), render.MaxBody)
	}
	if _, ok := render.ParseMarker(body); !ok {
		t.Error("body lost its marker")
	}
	l, ok, err := render.ParseLedger(body, s.Key, key)
	if !ok || err != nil {
		t.Fatalf("ParseLedger: ok=%v err=%v", ok, err)
	}
	if len(l.Signoffs) != 1 || l.Signoffs[0].By != "carol" {
		t.Errorf("ledger keeps %d sign-offs, want only the active one", len(l.Signoffs))
	}
	if l.Voided != 201 || len(l.VoidedDigest) != 64 {
		t.Errorf("voided history: count %d digest %q, want 201 and a SHA-256", l.Voided, l.VoidedDigest)
	}
	if l.Hold == nil || l.Waivers["rollback-tested"].By != "dave" {
		t.Error("the hold or a live waiver was dropped from the ledger")
	}
	// The digest changes with the history.
	s.Signoffs[0].VoidReason = "other"
	if render.LedgerOf(s).VoidedDigest == l.VoidedDigest {
		t.Error("digest does not depend on the voided history")
	}
	// The full history stays in state.
	if len(s.Signoffs) != 202 {
		t.Errorf("state lost history: %d sign-offs", len(s.Signoffs))
	}
}

func TestCutNeverPanics(t *testing.T) {
	cfg := defaultConfig(t)
	s := churned()
	for _, n := range []int{0, 1, 10, 100} {
		s.Seen = make([]int64, n)
		body := render.IssueWithLedger(cfg, s, t0, []byte("k"))
		if len(body) > render.MaxBody {
			t.Fatalf("body is %d characters", len(body))
		}
	}
}

// A signed ledger copied into another release's issue restores nothing.
func TestLedgerBoundToRelease(t *testing.T) {
	cfg := defaultConfig(t)
	key := []byte("k")
	a := progressed()
	bodyA := render.IssueWithLedger(cfg, a, t0, key)
	lineA := bodyA[strings.Index(bodyA, "<!-- golive:ledger"):]

	other := release.Key{Owner: "ag06mixer", Repo: "mixer", PR: 43}
	fresh := release.New(other)
	bodyB := render.IssueWithLedger(cfg, fresh, t0, key)
	lineB := bodyB[strings.Index(bodyB, "<!-- golive:ledger"):]

	copied := strings.Replace(bodyB, lineB, lineA, 1)
	cases := []struct {
		name string
		body string
		want release.Key
		err  error
	}{
		{"copied into another release's issue", copied, other, render.ErrLedgerOtherRelease},
		{"copied ledger alone, other PR", render.Marker(other) + "\n" + lineA, other, render.ErrLedgerOtherRelease},
		{"other repository", strings.ReplaceAll(bodyA, "ag06mixer/mixer#42", "evil/mixer#42"), release.Key{Owner: "evil", Repo: "mixer", PR: 42}, render.ErrLedgerOtherRelease},
		{"marker names another release", render.Marker(other) + "\n" + lineA, a.Key, render.ErrLedgerOtherRelease},
		{"second ledger", bodyA + lineB, a.Key, render.ErrLedgerDuplicate},
		{"second ledger, same one", bodyA + lineA, a.Key, render.ErrLedgerDuplicate},
	}
	for _, c := range cases {
		l, _, err := render.ParseLedger(c.body, c.want, key)
		if !errors.Is(err, c.err) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.err)
		}
		if len(l.Signoffs) != 0 || len(l.Manual) != 0 {
			t.Errorf("%s: restored %d sign-offs, %d ticks", c.name, len(l.Signoffs), len(l.Manual))
		}
	}
	if _, ok, err := render.ParseLedger(bodyA, a.Key, key); !ok || err != nil {
		t.Errorf("own ledger: ok=%v err=%v", ok, err)
	}
	// Owner and repository names are case-insensitive on GitHub.
	if _, _, err := render.ParseLedger(bodyA, release.Key{Owner: "AG06Mixer", Repo: "Mixer", PR: 42}, key); err != nil {
		t.Errorf("case of the owner: %v", err)
	}
}
