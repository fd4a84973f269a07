package release_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// signoff is one /approve comment of the five-role story: made at at,
// with comment id id (GitHub's ids grow with creation).
type signoff struct {
	p  release.Principal
	id int64
	at time.Time
}

func fiveSignoffs(at func(i int) time.Time) []signoff {
	out := []signoff{}
	for i, who := range []string{"tina tech-lead", "sam security", "bob business", "olga ops", "rita final"} {
		login, role, _ := strings.Cut(who, " ")
		out = append(out, signoff{p: person(login, "write", role), id: int64(100 + i), at: at(i)})
	}
	return out
}

// deliver applies one /approve comment received at recv, and returns the
// state, the reactions by comment id and the replies.
func deliver(t *testing.T, s *release.State, so signoff, recv time.Time) (*release.State, map[int64][]string, []string) {
	t.Helper()
	role := so.p.Roles[0]
	n, eff := release.Apply(cfg(t), s, release.Event{Kind: release.EvComment, At: so.at, Received: recv, Key: dutyKey, Actor: so.p,
		Comment: &release.CommentInfo{ID: so.id, Body: "/approve " + role, Target: 7}})
	reacts, replies := map[int64][]string{}, []string(nil)
	for _, e := range eff {
		switch e.Kind {
		case release.EffReact:
			reacts[e.CommentID] = append(reacts[e.CommentID], e.Reaction)
		case release.EffReply:
			replies = append(replies, e.Body)
		}
	}
	return n, reacts, replies
}

func settle(t *testing.T, s *release.State, cutoff time.Time) (*release.State, map[int64][]string, []string) {
	t.Helper()
	n, eff := release.Apply(cfg(t), s, release.Event{Kind: release.EvSettle, At: cutoff, Key: dutyKey})
	reacts, replies := map[int64][]string{}, []string(nil)
	for _, e := range eff {
		switch e.Kind {
		case release.EffReact:
			reacts[e.CommentID] = append(reacts[e.CommentID], e.Reaction)
		case release.EffReply:
			replies = append(replies, e.Body)
		}
	}
	return n, reacts, replies
}

// permutations lists every order of 0..n-1.
func permutations(n int) [][]int {
	if n == 1 {
		return [][]int{{0}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := slices.Insert(slices.Clone(p), i, n-1)
			out = append(out, q)
		}
	}
	return out
}

// TestFiveSignoffsInAnyDeliveryOrder: five sign-offs made in order, in
// the same second (ids decide), delivered in each of the 120 orders: Final
// Approval always stands, with one +1 on every comment, no reply and no
// refusal, and nothing left pending.
func TestFiveSignoffsInAnyDeliveryOrder(t *testing.T) {
	sos := fiveSignoffs(func(int) time.Time { return t0 })
	for _, order := range permutations(len(sos)) {
		s := dutyState()
		reacts := map[int64][]string{}
		for k, i := range order {
			var r map[int64][]string
			var replies []string
			s, r, replies = deliver(t, s, sos[i], t0.Add(time.Duration(k)*time.Millisecond))
			if len(replies) > 0 {
				t.Fatalf("order %v: reply %q", order, replies)
			}
			for id, rs := range r {
				reacts[id] = append(reacts[id], rs...)
			}
		}
		s, r, replies := settle(t, s, t0.Add(time.Hour))
		if len(r) > 0 || len(replies) > 0 {
			t.Fatalf("order %v: settling did something: %v %q", order, r, replies)
		}
		if so, ok := release.ActiveSignoff(s, "final"); !ok || so.By != "rita" || !so.At.Equal(t0) {
			t.Fatalf("order %v: final approval %+v %v", order, so, ok)
		}
		for _, so := range sos {
			if got := reacts[so.id]; !slices.Equal(got, []string{"+1"}) {
				t.Errorf("order %v: comment %d got reactions %v, want [+1]", order, so.id, got)
			}
		}
		if len(s.Pending) != 0 {
			t.Errorf("order %v: still pending: %+v", order, s.Pending)
		}
	}
}

// TestPendingApprovalShownThenTakesEffect: a Final Approval delivered
// first is pending (no receipt, no reply; the issue says so), and takes
// effect, bound to its own time, when the last earlier sign-off lands.
func TestPendingApprovalShownThenTakesEffect(t *testing.T) {
	c := cfg(t)
	sos := fiveSignoffs(func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) })
	s, r, replies := deliver(t, dutyState(), sos[4], t0)
	if len(r) != 0 || len(replies) != 0 {
		t.Fatalf("a pending approval got %v %q", r, replies)
	}
	if len(s.Pending) != 1 || s.Pending[0].Actor.Login != "rita" {
		t.Fatalf("pending %+v", s.Pending)
	}
	if _, ok := release.ActiveSignoff(s, "final"); ok {
		t.Fatal("final approval stands before its sign-offs")
	}
	ir := item(t, c, s, "go-live-date-and-time", t0)
	if ir.State.Satisfied() || !strings.Contains(ir.Note, "`/approve final` by rita is pending") || !strings.Contains(ir.Note, "Security Review") {
		t.Errorf("item %s note %q", ir.State, ir.Note)
	}
	if rep := release.Evaluate(c, s, t0); rep.Ready {
		t.Error("ready with a pending approval")
	}
	for i, so := range sos[:3] {
		s, r, _ = deliver(t, s, so, t0.Add(time.Duration(i+1)*time.Millisecond))
		if len(r[sos[4].id]) != 0 || len(s.Pending) != 1 {
			t.Fatalf("after %s: final reacted %v, pending %d", so.p.Login, r[sos[4].id], len(s.Pending))
		}
	}
	// Settling before the window passed (cutoff before its receipt) changes nothing.
	if n, r, replies := settle(t, s, t0.Add(-time.Millisecond)); len(n.Pending) != 1 || len(r)+len(replies) != 0 {
		t.Fatalf("settled early: %+v %v %q", n.Pending, r, replies)
	}
	s, r, replies = deliver(t, s, sos[3], t0.Add(time.Second))
	if got := r[sos[4].id]; !slices.Equal(got, []string{"+1"}) || len(replies) != 0 {
		t.Fatalf("final reactions %v, replies %q", got, replies)
	}
	so, ok := release.ActiveSignoff(s, "final")
	if !ok || so.By != "rita" || !so.At.Equal(sos[4].at) || so.CommentID != sos[4].id || so.SHA != "sha1" {
		t.Fatalf("final sign-off %+v %v", so, ok)
	}
	if len(s.Pending) != 0 {
		t.Errorf("still pending: %+v", s.Pending)
	}
	if ir := item(t, c, s, "go-live-date-and-time", t0); !ir.State.Satisfied() {
		t.Errorf("final approval item %s %q", ir.State, ir.Note)
	}
}

// TestPendingApprovalRefusedOnlyAtSettle: a Final Approval made before
// the other sign-offs never counts them, whatever the delivery order; it
// is refused once, when the settle cutoff passes its receipt, naming what
// was missing at its time.
func TestPendingApprovalRefusedOnlyAtSettle(t *testing.T) {
	// rita's /approve final is made first, at t0; the others after it.
	sos := fiveSignoffs(func(i int) time.Time { return t0.Add(time.Duration(i+1) * time.Second) })
	early := sos[4]
	early.at, early.id = t0, 50
	s, _, _ := deliver(t, dutyState(), early, t0)
	for i, so := range sos[:4] {
		var r map[int64][]string
		var replies []string
		s, r, replies = deliver(t, s, so, t0.Add(time.Duration(i+1)*time.Second))
		if len(r[early.id]) != 0 || len(replies) != 0 {
			t.Fatalf("after %s: early final got %v %q", so.p.Login, r[early.id], replies)
		}
	}
	if _, ok := release.ActiveSignoff(s, "final"); ok {
		t.Fatal("a final approval made before its sign-offs counts them")
	}
	n, r, replies := settle(t, s, t0.Add(30*time.Second))
	if got := r[early.id]; !slices.Equal(got, []string{"-1"}) || len(replies) != 1 {
		t.Fatalf("settle: reactions %v, replies %q", got, replies)
	}
	for _, want := range []string{"@rita", "/approve final", "still missing: Technical Lead, Security Review, Business Owner, Operations Manager", "made before this comment"} {
		if !strings.Contains(replies[0], want) {
			t.Errorf("reply %q lacks %q", replies[0], want)
		}
	}
	if len(n.Pending) != 0 {
		t.Errorf("still pending after settling: %+v", n.Pending)
	}
	// Settled once: a second settle says nothing more.
	if _, r, replies := settle(t, n, t0.Add(time.Hour)); len(r)+len(replies) != 0 {
		t.Errorf("a second settle: %v %q", r, replies)
	}
	// A new /approve final, after the others, now takes effect.
	sos[4].id = 200
	n, r, _ = deliver(t, n, sos[4], t0.Add(time.Minute))
	if _, ok := release.ActiveSignoff(n, "final"); !ok || !slices.Equal(r[200], []string{"+1"}) {
		t.Errorf("the second final approval: %v", r)
	}
}

// TestSameSecondOrderedByID: GitHub's times come to the second; in the
// same second a sign-off with a higher comment id was made later, and
// does not count for the approval.
func TestSameSecondOrderedByID(t *testing.T) {
	sos := fiveSignoffs(func(int) time.Time { return t0 })
	sos[4].id = 102 // after tech-lead and security, before business and ops
	s := dutyState()
	for _, i := range []int{4, 0, 1, 2, 3} {
		s, _, _ = deliver(t, s, sos[i], t0)
	}
	if _, ok := release.ActiveSignoff(s, "final"); ok {
		t.Fatal("sign-offs with higher ids in the same second counted")
	}
	_, _, replies := settle(t, s, t0)
	if len(replies) != 1 || !strings.Contains(replies[0], "still missing: Business Owner, Operations Manager") {
		t.Errorf("replies %q", replies)
	}
}

// TestPendingRefusedForOtherReasons: when its wait is over, a pending
// approval is judged by every rule as of then: another person gave the
// role meanwhile, or the head moved to a new tree.
func TestPendingRefusedForOtherReasons(t *testing.T) {
	sos := fiveSignoffs(func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) })
	t.Run("role taken", func(t *testing.T) {
		s, _, _ := deliver(t, dutyState(), sos[4], t0)
		for _, so := range sos[:4] {
			s, _, _ = deliver(t, s, so, t0)
		}
		// rita's pending one took effect; a second release manager's,
		// made before the others too, is refused at once when judged.
		other := signoff{p: person("rob", "write", "final"), id: 99, at: t0}
		s2, _, _ := deliver(t, dutyState(), other, t0)
		s2, _, _ = deliver(t, s2, sos[4], t0) // pending too
		s2.Signoffs = append(s2.Signoffs, s.Signoffs[:4]...)
		n, r, replies := settle(t, s2, t0.Add(time.Minute))
		if _, ok := release.ActiveSignoff(n, "final"); !ok {
			t.Fatal("no final approval")
		}
		got := []string{strings.Join(r[99], ","), strings.Join(r[sos[4].id], ",")}
		slices.Sort(got)
		if len(replies) != 1 || !slices.Equal(got, []string{"+1", "-1"}) {
			t.Errorf("want one taken and one refused: %v %q", r, replies)
		}
		if !strings.Contains(replies[0], "already signed off as Final Approval") {
			t.Errorf("reply %q", replies[0])
		}
	})
	t.Run("head moved", func(t *testing.T) {
		s, _, _ := deliver(t, dutyState(), sos[4], t0)
		s, _ = release.Apply(cfg(t), s, release.Event{Kind: release.EvPR, At: t0.Add(time.Second), Key: dutyKey, Actor: person("pete", "write"),
			PR: &release.PRInfo{HeadSHA: "sha2", HeadTree: "tree2", Synchronize: true, Author: "alice"}})
		var replies []string
		for _, so := range sos[:4] {
			so.at = so.at.Add(-time.Second) // made before the approval and the push
			var r []string
			s, _, r = deliver(t, s, so, t0.Add(2*time.Second))
			replies = append(replies, r...)
		}
		if _, ok := release.ActiveSignoff(s, "final"); ok || len(replies) != 1 || !strings.Contains(replies[0], "the head moved from") {
			t.Errorf("final after a push: replies %q", replies)
		}
	})
}

// TestMayApproveStillRefusesOutOfOrder: the dashboard asks the rules; a
// pending state is never what MayApprove answers.
func TestMayApproveStillRefusesOutOfOrder(t *testing.T) {
	ok, why := release.MayApprove(cfg(t), dutyState(), person("rita", "write", "final"), "final", t0)
	if ok || !strings.Contains(why, "still missing") {
		t.Errorf("got %v %q", ok, why)
	}
}

func TestSettleDue(t *testing.T) {
	s := dutyState()
	if _, ok := release.SettleDue(s, time.Second); ok {
		t.Error("due with nothing pending")
	}
	s.Pending = []release.PendingApproval{{Received: t0.Add(time.Second)}, {Received: t0}}
	if due, ok := release.SettleDue(s, time.Minute); !ok || !due.Equal(t0.Add(time.Minute)) {
		t.Errorf("due %v %v", due, ok)
	}
}
