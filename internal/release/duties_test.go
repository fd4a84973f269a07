package release_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/mdtext"
	"github.com/ag06mixer/golive/internal/release"
)

var dutyKey = release.Key{Owner: "o", Repo: "r", PR: 7}

func dutyState() *release.State {
	s := release.New(dutyKey)
	s.HeadSHA, s.Author, s.LastPusher = "sha1", "alice", "pete"
	return s
}

var nextComment int64 = 9000

func say(t *testing.T, s *release.State, p release.Principal, body string) (*release.State, string) {
	t.Helper()
	nextComment++
	n, eff := release.Apply(cfg(t), s, release.Event{Kind: release.EvComment, At: t0, Key: dutyKey, Actor: p,
		Comment: &release.CommentInfo{ID: nextComment, Body: body, Target: 7}})
	reply := ""
	for _, e := range eff {
		if e.Kind == release.EffReply {
			reply = e.Body
		}
	}
	return n, reply
}

func person(login, perm string, roles ...string) release.Principal {
	return release.Principal{Login: login, Permission: perm, Roles: roles, Known: true}
}

// TestApprovalItemsNeverWaived: an admin cannot /waive a sign-off item,
// and a waiver of one found in state (a restored ledger) never counts.
func TestApprovalItemsNeverWaived(t *testing.T) {
	c := cfg(t)
	for _, id := range []string{"technical-lead-approval", "security-team-approval", "business-stakeholder-approval", "operations-team-readiness-confirmed", "go-live-date-and-time"} {
		n, reply := say(t, dutyState(), person("adam", "admin"), "/waive "+id+" no time")
		if _, ok := n.Waivers[id]; ok || !strings.Contains(reply, "can never be waived") {
			t.Errorf("%s: waived by an admin; reply %q", id, reply)
		}
		s := dutyState()
		s.Waivers = map[string]release.Waiver{id: {By: "adam", At: t0, Reason: "restored"}}
		if got := item(t, c, s, id, t0); got.State.Satisfied() {
			t.Errorf("%s: a stored waiver satisfies a sign-off item", id)
		}
	}
}

// TestWaiverSeparationOfDuties: the PR author and the last pusher cannot
// waive (even as admins), and only the security role waives security items.
func TestWaiverSeparationOfDuties(t *testing.T) {
	const lb, sec = "load-balancer-health-checks-passing", "authentication-mechanism-implemented"
	for _, tc := range []struct {
		name string
		p    release.Principal
		id   string
		ok   bool
		why  string
	}{
		{"admin", person("adam", "admin"), lb, true, ""},
		{"author admin", person("alice", "admin"), lb, false, "author may not"},
		{"pusher admin", person("pete", "admin"), lb, false, "last pusher may not"},
		{"writer on security", person("wanda", "write"), sec, false, "Security Review"},
		{"admin on security", person("adam", "admin"), sec, false, "Security Review"},
		{"security member", person("sam", "write", "security"), sec, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, reply := say(t, dutyState(), tc.p, "/waive "+tc.id+" 1d reason")
			if _, ok := n.Waivers[tc.id]; ok != tc.ok || !strings.Contains(reply, tc.why) {
				t.Errorf("waived %v, want %v; reply %q", ok, tc.ok, reply)
			}
			s := dutyState()
			s.Waivers = map[string]release.Waiver{tc.id: {By: "x", At: t0, Reason: "r"}}
			n, _ = say(t, s, tc.p, "/unwaive "+tc.id)
			if _, still := n.Waivers[tc.id]; still == tc.ok {
				t.Errorf("unwaive: waiver still there %v", still)
			}
		})
	}
}

// TestUnholdRules: the holder may lift the hold, a maintainer may, a
// writer or the PR author may not; a second /hold cannot replace it.
func TestUnholdRules(t *testing.T) {
	held := dutyState()
	held.Hold = &release.Hold{By: "hank", At: t0, Reason: "legal"}
	for _, tc := range []struct {
		name   string
		p      release.Principal
		lifted bool
	}{
		{"holder", person("hank", "write"), true},
		{"maintainer", person("mia", "maintain"), true},
		{"writer", person("wanda", "write"), false},
		{"author admin", person("alice", "admin"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, reply := say(t, held, tc.p, "/unhold")
			if (n.Hold == nil) != tc.lifted {
				t.Errorf("lifted %v, want %v; reply %q", n.Hold == nil, tc.lifted, reply)
			}
		})
	}
	n, _ := say(t, held, person("wanda", "write"), "/hold mine now")
	n, _ = say(t, n, person("wanda", "write"), "/unhold")
	if n.Hold == nil || n.Hold.By != "hank" {
		t.Errorf("a writer replaced and lifted hank's hold: %+v", n.Hold)
	}
}

// TestHoldBlocksVerdict: a hold turns a ready release not ready.
func TestHoldBlocksVerdict(t *testing.T) {
	c := cfg(t)
	s := dutyState()
	for _, e := range c.Flatten() {
		if s.Waivers == nil {
			s.Waivers = map[string]release.Waiver{}
		}
		s.Waivers[e.Item.ID] = release.Waiver{By: "x", At: t0, Reason: "r"}
	}
	for _, r := range []string{"tech-lead", "security", "business", "ops", "final"} {
		s.Signoffs = append(s.Signoffs, release.Signoff{Role: r, By: r + "-person", At: t0, SHA: "sha1"})
	}
	if rep := release.Evaluate(c, s, t0); !rep.Ready {
		t.Fatalf("setup not ready: %s", rep.Title)
	}
	s.Hold = &release.Hold{By: "hank", At: t0, Reason: "legal"}
	if rep := release.Evaluate(c, s, t0); rep.Ready {
		t.Error("a held release is ready")
	}
	if g := release.GateFor(c, s, "production", t0, ""); g.Approve {
		t.Error("a held release passes the production gate")
	}
}

// TestAuditRecordsDecisions: every decision leaves an audit entry naming
// who made it.
func TestAuditRecordsDecisions(t *testing.T) {
	s := dutyState()
	steps := []struct {
		p      release.Principal
		body   string
		action string
	}{
		{person("sam", "write", "security"), "/approve security", "signed"},
		{person("sam", "write", "security"), "/revoke security", "revoked"},
		{person("adam", "admin"), "/waive load-balancer-health-checks-passing 1d no LB", "waived"},
		{person("adam", "admin"), "/unwaive load-balancer-health-checks-passing", "unwaived"},
		{person("hank", "write"), "/hold legal", "held"},
		{person("hank", "write"), "/unhold", "unheld"},
	}
	for _, st := range steps {
		before := len(s.Audit)
		s, _ = say(t, s, st.p, st.body)
		if len(s.Audit) != before+1 || s.Audit[before].Action != st.action || s.Audit[before].Actor != st.p.Login {
			t.Errorf("%s: audit %+v, want one %q by %s", st.body, s.Audit[before:], st.action, st.p.Login)
		}
	}
}

// TestFinalVoidedWhenItsPrerequisiteGoes: revoking a role Final Approval
// waits for voids Final Approval, in the audit and the reply; and a final
// sign-off without its prerequisites never counts.
func TestFinalVoidedWhenItsPrerequisiteGoes(t *testing.T) {
	c := cfg(t)
	s := dutyState()
	for _, r := range []string{"tech-lead", "security", "business", "ops", "final"} {
		s.Signoffs = append(s.Signoffs, release.Signoff{Role: r, By: r + "-person", At: t0, SHA: "sha1"})
	}
	n, reply := say(t, s, person("business-person", "write", "business"), "/revoke business")
	if _, ok := release.ActiveSignoff(n, "final"); ok {
		t.Fatal("Final Approval stands after Business Owner was revoked")
	}
	if !strings.Contains(reply, "Final Approval sign-off by final-person voided") {
		t.Errorf("reply %q does not report the void", reply)
	}
	if last := n.Audit[len(n.Audit)-1]; last.Action != "voided" || !strings.Contains(last.Detail, "Business Owner") {
		t.Errorf("audit %+v", last)
	}
	s.Signoffs[2].VoidedAt = t0.Add(time.Minute) // business voided outside a command
	if got := item(t, c, s, "go-live-date-and-time", t0); got.State.Satisfied() {
		t.Error("Final Approval counts without Business Owner")
	}
}

// TestCommentBounds: help once per comment, at most MaxJudged commands,
// and every reply under GitHub's 65,536 characters; a hundred approve and
// revoke pairs, posted twice, leave a bounded ledger.
func TestCommentBounds(t *testing.T) {
	_, reply := say(t, dutyState(), person("victor", "read"), strings.Repeat("/golive help\n", 1000))
	if len(reply) >= 65536 || strings.Count(reply, "golive commands") != 1 {
		t.Errorf("help ×1000: %d bytes, %d helps", len(reply), strings.Count(reply, "golive commands"))
	}
	_, reply = say(t, dutyState(), person("victor", "read"), strings.Repeat("/aprove "+strings.Repeat("x", 1900)+"\n", 30))
	if len(reply) >= 65536 {
		t.Errorf("long typos: reply of %d bytes", len(reply))
	}
	_, reply = say(t, dutyState(), person("victor", "read"), strings.Repeat("/check nope\n/uncheck nope2\n", 100))
	if !strings.Contains(reply, "ignored") {
		t.Errorf("no note of the commands past the cap: %q", reply[len(reply)-200:])
	}
	s := dutyState()
	spam := strings.Repeat("/approve security\n/revoke security\n", 100)
	for range 2 {
		s, _ = say(t, s, person("sam", "write", "security"), spam)
	}
	if len(s.Signoffs) > 2 {
		t.Errorf("two comments left %d sign-offs in the ledger", len(s.Signoffs))
	}
}

// TestLookAlikeIDsRefused: an id with look-alike characters is refused
// with a did-you-mean, never matched by folding.
func TestLookAlikeIDsRefused(t *testing.T) {
	n, reply := say(t, dutyState(), person("sam", "write", "security"), "/approve \u017fecurity-review")
	if len(n.Signoffs) != 0 || !strings.Contains(reply, "did you mean `security-review`") {
		t.Errorf("signoffs %v, reply %q", n.Signoffs, reply)
	}
	// A role name with a backtick cannot move a team mention out of its
	// code span in the refusal.
	const hostile = "a`@ag06mixer/everyone"
	_, reply = say(t, dutyState(), person("sam", "write", "security"), "/approve "+hostile)
	if !strings.Contains(reply, "there is no role "+mdtext.Code(hostile, 40)+";") {
		t.Errorf("a mention escaped its code span: %q", reply)
	}
}
