package tracker_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/tracker"
	"github.com/ag06mixer/golive/internal/tracker/trackertest"
)

// otherInstallation runs a second tracker, for installation 2 and the
// repository evilOwner/evilRepo, on the victim rig's store (one Redis for
// every installation, as in production), with its own view of GitHub.
func otherInstallation(t *testing.T, r *rig, now *time.Time, evilOwner, evilRepo, config string, teams map[string][]string) {
	t.Helper()
	gh := trackertest.NewGitHub(evilOwner, evilRepo)
	gh.ConfigRepo = []byte(config)
	gh.Teams = teams
	gh.PRs[prNum] = release.PRInfo{Title: "Release 1.0", Author: "someone", HeadRef: "release/1.0", BaseRef: "main", HeadSHA: headA, State: "open"}
	tr := tracker.New(tracker.Options{States: r.st, Locks: r.st, Index: r.st, Marks: r.st, Cache: r.st, Queue: r.st, GitHub: gh,
		HTTPStatus: trackertest.Status, OrderWindow: -1, Clock: func() time.Time { return *now }})
	repoFields := map[string]any{
		"repository.name": evilRepo, "repository.full_name": evilOwner + "/" + evilRepo, "repository.owner.login": evilOwner,
		"repository.id": 999, "installation": map[string]any{"id": 2},
	}
	with := func(m map[string]any) map[string]any {
		for k, v := range repoFields {
			m[k] = v
		}
		return m
	}
	handle := func(id, event string, body []byte) {
		t.Helper()
		if _, err := tr.Handle(context.Background(), queue.Delivery{ID: id, Event: event, Payload: body, Attempt: 1, Received: t0}); err != nil {
			t.Fatalf("other installation: %s: %v", event, err)
		}
	}
	handle("evil-1", "pull_request", payload(t, "pull_request/opened.json", with(map[string]any{
		"number": prNum, "pull_request.number": prNum, "pull_request.head.ref": "release/1.0", "pull_request.head.sha": headA,
		"pull_request.base.ref": "main", "pull_request.title": "Release 1.0", "pull_request.created_at": t0.Format(time.RFC3339),
	})))
	handle("evil-2", "issue_comment", payload(t, "issue_comment/created.json", with(map[string]any{
		"comment.id": 7001, "comment.body": "/approve sec", "comment.user.login": "mallory", "comment.created_at": t0.Add(time.Minute).Format(time.RFC3339),
		"sender.login": "mallory", "sender.type": "User", "issue.number": prNum, "issue.body": "",
		"issue.pull_request": map[string]any{"url": fmt.Sprintf("https://api.github.com/repos/%s/%s/pulls/%d", evilOwner, evilRepo, prNum)},
	})))
}

// TestTeamListOfAnotherInstallationGrantsNothing (fail-open): the team
// list is cached under "team:GEN:org/slug" with no installation in the
// key. Mallory owns another installation whose org is named "acme" (the
// victim's old org name, freed by a rename, or any org the victim's config
// names but the victim's installation cannot read). Her installation reads
// acme/sec = [mallory] and caches it; the victim's installation, which
// GitHub would answer "not a member" (it cannot see that org), takes the
// cached list and counts mallory's /approve sec.
func TestTeamListOfAnotherInstallationGrantsNothing(t *testing.T) {
	r, now := newTeamsRig(t) // victim: role sec held by acme/sec, GitHub says {sam}
	otherInstallation(t, r, now, "acme", "app", teamsConfig, map[string][]string{"acme/sec": {"mallory"}, "acme/qa": nil})
	r.handle("issue_comment", r.comment(902, "mallory", "/approve sec"))
	if by := signedBy(r.state(), "sec"); by == "mallory" {
		t.Fatalf("mallory signed off as sec in the victim's repo from a member list another installation read; the victim's installation says she is not in acme/sec")
	}
}

// TestTeamListOfAnotherInstallationRefusesNobody (cross-tenant DoS): an
// installation that cannot see the victim's team gets a 404, which
// TeamMembers turns into a complete, empty list; cached without the
// installation, it makes the victim's real member sam "not in acme/sec"
// for 5 minutes, renewable by the attacker at will.
func TestTeamListOfAnotherInstallationRefusesNobody(t *testing.T) {
	r, now := newTeamsRig(t)
	// The attacker's repo config names the victim's team; their
	// installation cannot read it: an empty, complete list.
	otherInstallation(t, r, now, "evil", "app", teamsConfig, map[string][]string{})
	r.handle("issue_comment", r.comment(902, "sam", "/approve sec"))
	if by := signedBy(r.state(), "sec"); by != "sam" {
		t.Fatalf("sec signed by %q, want sam: another installation's empty view of acme/sec refused the victim's member", by)
	}
}

// slowLists is the fake GitHub whose team lists take a while to read (three
// pages behind a slow or rate-limited API): each list moves the clock.
type slowLists struct {
	*trackertest.GitHub
	now  *time.Time
	took time.Duration
}

func (s *slowLists) Installation(int64) (tracker.GitHub, error) { return s, nil }

func (s *slowLists) TeamMembers(ctx context.Context, org, slug string) ([]string, bool, error) {
	l, c, err := s.GitHub.TeamMembers(ctx, org, slug)
	*s.now = s.now.Add(s.took)
	return l, c, err
}

// TestTeamListKeptNoLongerThanItsAge: a list is dated when its read began
// (At) but kept in the cache for a full principalTTL from when the read
// ended, so it is served, and judged by, for 5 minutes plus the read's
// length: past the documented bound. Its TTL should be what is left of
// the five minutes from At.
func TestTeamListKeptNoLongerThanItsAge(t *testing.T) {
	r, now := newTeamsRig(t)
	slow := &slowLists{GitHub: r.gh, now: now, took: 20 * time.Second}
	r.tr = tracker.New(tracker.Options{States: r.st, Locks: r.st, Index: r.st, Marks: r.st, Cache: r.st, Queue: r.st, GitHub: slow,
		HTTPStatus: trackertest.Status, OrderWindow: -1, Clock: func() time.Time { return *now }})
	r.handle("issue_comment", r.comment(900, "rita", "/approve qa"))
	var worst time.Duration
	r.st.Do(func(s *trackertest.Store) {
		for k, v := range s.TTLs {
			if len(k) > 5 && k[:5] == "team:" && v > worst {
				worst = v
			}
		}
	})
	if worst > 5*time.Minute-20*time.Second {
		t.Fatalf("a team list read over 20 s is kept %v from the read's end: served until more than 5 minutes after GitHub said it", worst)
	}
}
