package tracker_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/tracker"
	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

const teamsConfig = "version: 1\nroles:\n  - id: qa\n    teams: [acme/qa]\n  - id: sec\n    teams: [acme/sec]\n"

// newTeamsRig is newRig with two roles held by teams, rita in acme/qa and
// sam in acme/sec, and a clock the test moves; its release is open.
func newTeamsRig(t *testing.T) (*rig, *time.Time) {
	r := newRig(t)
	r.gh.ConfigRepo = []byte(teamsConfig)
	r.gh.Perms["sam"] = "write"
	r.gh.Teams = map[string][]string{"acme/qa": {"Rita"}, "acme/sec": {"sam"}}
	now := t0.Add(time.Hour)
	r.tr = tracker.New(tracker.Options{States: r.st, Locks: r.st, Index: r.st, Marks: r.st, Cache: r.st, Queue: r.st, GitHub: r.gh,
		HTTPStatus: trackertest.Status, OrderWindow: -1, Clock: func() time.Time { return now }})
	r.open()
	return r, &now
}

func (r *rig) calls(method string) int {
	n := 0
	r.gh.Do(func(g *trackertest.GitHub) { n = g.Calls[method] })
	return n
}

func signedBy(s *release.State, role string) string {
	so, _ := release.ActiveSignoff(s, role)
	return so.By
}

// TestTeamListShared: each team's member list is read once and serves
// everyone who acts within its time (issue #18: the story's five
// sign-offs read five lists, not five teams for each of five people);
// no membership is asked person by person. Logins match whatever their
// case.
func TestTeamListShared(t *testing.T) {
	r, _ := newTeamsRig(t)
	r.handle("issue_comment", r.comment(900, "rita", "/approve qa"))
	lists := r.calls("TeamMembers") // the default checklist's five teams and the two here
	r.handle("issue_comment", r.comment(901, "sam", "/approve sec"))
	s := r.state()
	if signedBy(s, "qa") != "rita" || signedBy(s, "sec") != "sam" {
		t.Fatalf("sign-offs: qa by %q, sec by %q", signedBy(s, "qa"), signedBy(s, "sec"))
	}
	if got, one := r.calls("TeamMembers"), r.calls("TeamMember"); lists != 7 || got != lists || one != 0 {
		t.Fatalf("%d team lists for the first person, %d after the second, %d membership reads; want 7, 7, 0", lists, got, one)
	}
}

// TestTeamListRenewed: a membership event (a new generation) makes the
// next command read the list again, so a removal counts at once: sam,
// out of acme/sec, can no longer sign.
func TestTeamListRenewed(t *testing.T) {
	r, _ := newTeamsRig(t)
	r.handle("issue_comment", r.comment(900, "rita", "/approve qa"))
	lists := r.calls("TeamMembers")
	r.gh.Do(func(g *trackertest.GitHub) { g.Teams["acme/sec"] = nil })
	r.st.Do(func(s *trackertest.Store) { s.Values["principal-gen"] = []byte("membership-1") })
	r.handle("issue_comment", r.comment(901, "sam", "/approve sec"))
	if by := signedBy(r.state(), "sec"); by != "" {
		t.Fatalf("sec signed by %q after sam left the team", by)
	}
	if got := r.calls("TeamMembers"); got != 2*lists {
		t.Fatalf("%d team lists, want both read again in the new generation", got)
	}
}

// TestTeamListAgeBoundsPrincipal: a principal built from a list read
// minutes ago is kept only for what is left of that list's time, and its
// standing is dated by the list.
func TestTeamListAgeBoundsPrincipal(t *testing.T) {
	r, now := newTeamsRig(t)
	read := *now
	r.handle("issue_comment", r.comment(900, "rita", "/approve qa"))
	*now = now.Add(4 * time.Minute)
	r.handle("issue_comment", r.comment(901, "sam", "/approve sec"))
	var ttl time.Duration
	r.st.Do(func(s *trackertest.Store) {
		for k, v := range s.TTLs {
			if strings.HasPrefix(k, "principal:") && strings.HasSuffix(k, ":sam") {
				ttl = v
			}
		}
	})
	if ttl <= 0 || ttl > time.Minute {
		t.Fatalf("sam's principal kept for %v, want at most the minute left of the lists' five", ttl)
	}
	so, _ := release.ActiveSignoff(r.state(), "sec")
	if so.Standing == nil || !so.Standing.CheckedAt.Equal(read) {
		t.Fatalf("standing %+v, want checked at %v, when the lists were read", so.Standing, read)
	}
}

// TestBigTeamAskedPerPerson: a team too large for the bounded list is
// asked of person by person, never judged from a partial list.
func TestBigTeamAskedPerPerson(t *testing.T) {
	r, _ := newTeamsRig(t)
	r.gh.Do(func(g *trackertest.GitHub) {
		g.Teams["acme/qa"] = []string{"adam", "Rita"} // rita past the first page
		g.BigTeams = map[string]bool{"acme/qa": true}
	})
	r.handle("issue_comment", r.comment(900, "rita", "/approve qa"))
	if by := signedBy(r.state(), "qa"); by != "rita" {
		t.Fatalf("qa signed by %q, want rita, found by her own membership", by)
	}
	if got := r.calls("TeamMember"); got != 1 {
		t.Fatalf("%d membership reads, want 1 for the big team", got)
	}
}

// TestTeamListUnreadableRefuses: when GitHub cannot list a team, nothing
// the person does counts (the gate stays closed).
func TestTeamListUnreadableRefuses(t *testing.T) {
	r, _ := newTeamsRig(t)
	r.gh.Do(func(g *trackertest.GitHub) { g.Errors["TeamMembers"] = trackertest.StatusError{Code: 502} })
	_, err := r.tr.Handle(context.Background(), queue.Delivery{ID: "d-900", Event: "issue_comment", Payload: r.comment(900, "rita", "/approve qa"), Attempt: 1, Received: t0})
	if err == nil {
		t.Fatal("a command was judged while its actor's teams were unknown")
	}
	if by := signedBy(r.state(), "qa"); by != "" {
		t.Fatalf("qa signed by %q with the team unreadable", by)
	}
}
