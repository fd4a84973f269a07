package render_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

func TestLedgerRoundTrip(t *testing.T) {
	cfg := defaultConfig(t)
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	s := release.New(release.Key{Owner: "o", Repo: "r", PR: 7})
	s.OpenedAt = at
	s.Manual = map[string]release.Tick{"x": {By: "ann", At: at, SHA: "abc", Via: "issue"}}
	s.Signoffs = []release.Signoff{{Role: "security", By: "sam", At: at, SHA: "abc"}}
	s.Hold = &release.Hold{By: "ann", At: at, Reason: "wait"}
	key := []byte("secret")
	body := render.IssueWithLedger(cfg, s, at, key)
	if len(body) > render.MaxBody {
		t.Fatalf("body is %d characters", len(body))
	}
	l, ok, err := render.ParseLedger(body, s.Key, key)
	if err != nil || !ok {
		t.Fatalf("ParseLedger: ok=%v err=%v", ok, err)
	}
	if diff := cmp.Diff(render.LedgerOf(s), l); diff != "" {
		t.Errorf("ledger (-want +got):\n%s", diff)
	}
	// A collaborator who edits the hidden line forges nothing.
	forged := strings.Replace(body, "golive:ledger v3 ", "golive:ledger v3 e30", 1)
	if _, _, err := render.ParseLedger(forged, s.Key, key); !errors.Is(err, render.ErrLedgerForged) {
		t.Errorf("forged ledger: err = %v, want ErrLedgerForged", err)
	}
	if _, _, err := render.ParseLedger(body, s.Key, []byte("other")); !errors.Is(err, render.ErrLedgerForged) {
		t.Errorf("other key: err = %v, want ErrLedgerForged", err)
	}
	if _, ok, _ := render.ParseLedger("no ledger here", s.Key, key); ok {
		t.Error("found a ledger in a body without one")
	}
}

func TestLedgerForRepository(t *testing.T) {
	l := render.Ledger{Repo: "o/r", PR: 1, RepoID: 42}
	if err := l.ForRepository(42); err != nil {
		t.Errorf("own repository refused: %v", err)
	}
	if err := l.ForRepository(0); err != nil {
		t.Errorf("an unknown id must not refuse: %v", err)
	}
	if err := l.ForRepository(43); !errors.Is(err, render.ErrLedgerOtherRelease) {
		t.Errorf("another repository id: %v, want ErrLedgerOtherRelease", err)
	}
	if err := (render.Ledger{Repo: "o/r", PR: 1}).ForRepository(43); err != nil {
		t.Errorf("a ledger without an id (written before ids were kept) refused: %v", err)
	}
}

func TestKeepUnseen(t *testing.T) {
	a, b := release.ItemMarker("a"), release.ItemMarker("b")
	body := "- [ ] " + a + " A — waiting\n- [x] " + b + " B — done\n"
	got := render.KeepUnseen(body, map[string]release.Unseen{
		"a": {On: true},
		"b": {On: false, Unjudged: "no history\n- [x] " + release.ItemMarker("c") + " forged"},
	})
	ticks := release.Ticks(got)
	if !ticks["a"] || ticks["b"] {
		t.Errorf("boxes not kept as set: %v\n%s", ticks, got)
	}
	if _, forged := ticks["c"]; forged {
		t.Errorf("an unjudged reason added an item line:\n%s", got)
	}
	if !strings.Contains(got, "⚠️ unjudged: no history") {
		t.Errorf("the unjudged box does not say so:\n%s", got)
	}
	if render.KeepUnseen(body, nil) != body {
		t.Error("no unseen boxes changed the body")
	}
	if ch := render.HumanChanges(body, got); len(ch) != 2 || !ch["a"] || ch["b"] {
		t.Errorf("HumanChanges = %v, want a on, b off", ch)
	}
}
