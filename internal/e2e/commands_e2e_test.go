package e2e

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/release"
)

// signers puts one member in each default role's team.
func signers(h *harness) {
	h.fake.AddTeamMember("ag06mixer/tech-leads", "tina")
	h.fake.AddTeamMember("ag06mixer/security", "sam")
	h.fake.AddTeamMember("ag06mixer/security", "Codertocat") // the PR author
	h.fake.AddTeamMember("ag06mixer/business-owners", "bob")
	h.fake.AddTeamMember("ag06mixer/business-owners", "sam") // holds two roles
	h.fake.AddTeamMember("ag06mixer/operations", "olga")
	h.fake.AddTeamMember("ag06mixer/release-managers", "rita")
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, u := range []string{"tina", "sam", "bob", "olga"} {
			repos[testRepo].Perms[u] = "write"
		}
		repos[testRepo].Perms["adam"] = "admin"
	})
}

func openRelease(t *testing.T) *harness {
	h := newHarness(t, harnessOpts{})
	signers(h)
	h.send("pull_request", h.openPR(t, "opened", nil))
	h.settle()
	return h
}

func TestE2EApproveByTeamMember(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	c := h.comment(t, "sam", "Reviewed the threat model.\n/approve security", true)
	h.send("issue_comment", c)
	h.settle()
	body := h.issue(t).Body
	if !ticked(t, body, "security-team-approval") || !strings.Contains(body, "signed off as Security Review") {
		t.Fatalf("sam's sign-off is not in the issue")
	}
	if got := h.reactions(t, c); !slices.Equal(got, []string{"+1"}) {
		t.Errorf("reactions %v, want [+1]", got)
	}
	if r := h.replies(prNum); len(r) != 0 {
		t.Errorf("an accepted command got replies: %v", r)
	}
	// A redelivery of the same comment (new delivery id) applies nothing twice.
	h.send("issue_comment", c)
	h.settle()
	if n := strings.Count(h.issue(t).Body, "signed off as Security Review"); n != 1 {
		t.Errorf("the sign-off shows %d times after a redelivery", n)
	}
}

func TestE2ERefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, user, body string
		want             string
	}{
		{"non-member", "victor", "/approve security", "victor is not in ag06mixer/security, so cannot give the Security Review sign-off"},
		{"author", "Codertocat", "/approve security", "the author may not sign it off"},
		{"final first", "rita", "/approve final", "still missing: Technical Lead, Security Review, Business Owner, Operations Manager"},
		{"unknown role", "sam", "/approve securty", "did you mean `security`?"},
		{"typo command", "sam", "/aprove security", "did you mean `/approve`?"},
		{"hold without write", "victor", "/hold not yet", "only people with write access may hold"},
		{"waive without the role", "tina", "/waive load-balancer-health-checks-passing 2d later", "may waive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := openRelease(t)
			body := h.comment(t, c.user, c.body, true)
			h.send("issue_comment", body)
			h.settle()
			r := h.replies(prNum)
			if len(r) != 1 || !strings.Contains(r[0], c.want) {
				t.Fatalf("replies %q, want one saying %q", r, c.want)
			}
			if got := h.reactions(t, body); len(got) != 1 || got[0] == "+1" {
				t.Errorf("reactions %v, want one refusal receipt", got)
			}
			if strings.Contains(h.issue(t).Body, "signed off as") {
				t.Error("a refused command left a sign-off")
			}
		})
	}
}

func TestE2EOnePersonOneRole(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.settle()
	h.send("issue_comment", h.comment(t, "sam", "/approve business", false))
	h.settle()
	is := h.issue(t)
	if ticked(t, is.Body, "business-stakeholder-approval") {
		t.Fatal("sam took a second role")
	}
	if r := h.replies(is.Number); len(r) != 1 || !strings.Contains(r[0], "one person gives one sign-off") {
		t.Errorf("replies on the issue %q", r)
	}
}

// TestE2EPushVoidsSignoffs: a push to a new tree voids the roles that
// invalidate on push and keeps the others; a push with the same tree (a
// rebase) keeps them all.
func TestE2EPushVoidsSignoffs(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.send("issue_comment", h.comment(t, "bob", "/approve business", true))
	h.settle()
	// A rebase: new commit, same tree.
	const rebased = "1111111111111111111111111111111111111111"
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		repos[testRepo].Trees = map[string]string{rebased: "tree-" + headA}
		repos[testRepo].Pulls[prNum].HeadSHA = rebased
	})
	h.send("pull_request", h.openPR(t, "synchronize", func(m map[string]any) { set(m, "pull_request.head.sha", rebased) }))
	h.settle()
	body := h.issue(t).Body
	if !ticked(t, body, "security-team-approval") {
		t.Fatal("a rebase with the same tree voided the security sign-off")
	}
	h.fake.Do(func(repos map[string]*githubfake.Repo) { repos[testRepo].Pulls[prNum].HeadSHA = headB })
	h.send("pull_request", h.openPR(t, "synchronize", func(m map[string]any) { set(m, "pull_request.head.sha", headB) }))
	h.settle()
	body = h.issue(t).Body
	if ticked(t, body, "security-team-approval") {
		t.Error("a push with new content kept the security sign-off")
	}
	if !ticked(t, body, "business-stakeholder-approval") {
		t.Error("a push voided the business sign-off, which does not invalidate on push")
	}
	if !strings.Contains(body, "Voided sign-offs") || !strings.Contains(body, "the head changed from") {
		t.Error("the issue does not show the voided sign-off")
	}
}

// TestE2EEditedOrDeletedCommentChangesNothing: only created comments count.
func TestE2EEditedOrDeletedCommentChangesNothing(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("issue_comment", h.comment(t, "sam", "/approve security", true))
	h.settle()
	want := h.issue(t).Body
	for _, action := range []string{"edited", "deleted"} {
		c := h.comment(t, "sam", "/revoke security", true)
		c = []byte(strings.Replace(string(c), `"action":"created"`, `"action":"`+action+`"`, 1))
		h.send("issue_comment", c)
	}
	edited := h.comment(t, "tina", "/approve tech-lead", true)
	edited = []byte(strings.Replace(string(edited), `"action":"created"`, `"action":"edited"`, 1))
	h.send("issue_comment", edited)
	h.settle()
	if got := h.issue(t).Body; got != want {
		t.Errorf("an edited or deleted comment changed the issue:\n%s", firstDiff(got, want))
	}
}

// TestE2EWaiverAndExpiry: a waiver ticks the item; past its expiry it
// no longer does.
func TestE2EWaiverAndExpiry(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	const item = "load-balancer-health-checks-passing"
	h.send("issue_comment", h.comment(t, "adam", "/waive "+item+" 30m the LB is not up in this test", true))
	h.settle()
	body := h.issue(t).Body
	if !ticked(t, body, item) || !strings.Contains(body, "waived by adam: the LB is not up in this test") {
		t.Fatal("the waiver did not tick the item")
	}
	rec, err := h.nodes[0].sys.Worker().Snapshot(t.Context(), release.Key{Owner: "Codertocat", Repo: "Hello-World", PR: prNum})
	if err != nil {
		t.Fatal(err)
	}
	w := rec.Waivers[item]
	rep := release.Evaluate(defaultCfg(t), rec, w.Expires.Add(1))
	for _, ir := range rep.Items {
		if ir.Item.ID == item && ir.State.Satisfied() {
			t.Error("the waiver still ticks the item past its expiry")
		}
	}
	h.send("issue_comment", h.comment(t, "adam", "/unwaive "+item, true))
	h.settle()
	if ticked(t, h.issue(t).Body, item) {
		t.Error("/unwaive left the item ticked")
	}
}

// TestE2EHoldBlocks: a hold turns the verdict red and names who held it.
func TestE2EHoldBlocks(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("issue_comment", h.comment(t, "rita", "/hold legal has not cleared the launch", true))
	h.settle()
	cr := h.readiness(headA)[0]
	if !strings.Contains(cr.Summary(), "On hold") || !strings.Contains(h.issue(t).Body, "On hold by rita") {
		t.Fatalf("the hold is not shown: %q", cr.Summary())
	}
	h.send("issue_comment", h.comment(t, "rita", "/unhold", true))
	h.settle()
	if strings.Contains(h.issue(t).Body, "On hold by") {
		t.Error("/unhold left the hold")
	}
}

// TestE2EMembershipOutageFailsClosed: when GitHub cannot say who is in a
// team, the sign-off is refused, and the reply says to retry.
func TestE2EMembershipOutageFailsClosed(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.fake.Inject(&githubfake.Fault{Match: "GET /orgs/{org}/teams/{team_slug}/memberships/{username}", Status: 503})
	h.fake.Inject(&githubfake.Fault{Match: "GET /orgs/{org}/teams/{team_slug}/members", Status: 503})
	c := h.comment(t, "sam", "/approve security", true)
	h.send("issue_comment", c)
	h.settle()
	if ticked(t, h.issue(t).Body, "security-team-approval") {
		t.Fatal("a sign-off was given while GitHub could not confirm membership")
	}
	if r := h.replies(prNum); len(r) != 1 || !strings.Contains(r[0], "could not confirm") || !strings.Contains(r[0], "/golive refresh") {
		t.Errorf("replies %q", r)
	}
}

// TestE2EHelp answers with the commands and who holds each role.
func TestE2EHelp(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("issue_comment", h.comment(t, "victor", "/golive help", false))
	h.settle()
	r := h.replies(h.issue(t).Number)
	if len(r) != 1 || !strings.Contains(r[0], "/waive ID [DURATION] REASON…") || !strings.Contains(r[0], "team ag06mixer/security") {
		t.Fatalf("help reply %q", r)
	}
}

// TestE2EReadyTurnsGreen: with every required item done (CI, staging,
// hand ticks by command, probes waived, five sign-offs in order) the check
// turns success.
func TestE2EReadyTurnsGreen(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	cfg := defaultCfg(t)
	plan := checklist.PlanReady(cfg)
	for _, name := range plan.Checks {
		h.send("check_run", h.checkRun(t, name, headA, "success"))
	}
	h.send("deployment_status", h.deploy(t, "staging", headA, "success"))
	h.send("issue_comment", h.comment(t, "adam", plan.Ticks, false))
	h.send("issue_comment", h.comment(t, "adam", plan.Waivers, false))
	h.send("issue_comment", h.comment(t, "sam", plan.SecWaivers, false))
	h.settle()
	// Staging waits only for its sections, not the sign-offs.
	h.send("deployment_protection_rule", h.deployGate(t, "staging", headA))
	h.settle()
	if r := h.gateReviews(); len(r) != 1 || r[0].State != "approved" || r[0].Environment != "staging" {
		t.Fatalf("staging before the sign-offs: %+v", r)
	}
	for _, who := range []string{"tina tech-lead", "sam security", "bob business", "olga ops", "rita final"} {
		user, role, _ := strings.Cut(who, " ")
		h.send("issue_comment", h.comment(t, user, "/approve "+role, true))
		h.settle()
	}
	cr := h.readiness(headA)[0]
	if cr.Conclusion != "success" || cr.Title() != "Ready" {
		t.Fatalf("check %s %q, want success Ready; replies: %q\n%s", cr.Conclusion, cr.Title(), h.replies(h.issue(t).Number), cr.Summary())
	}
	// The merge queue and a production deploy of the head pass too.
	h.send("merge_group", h.mergeGroup(t, prNum))
	h.send("deployment_protection_rule", h.deployGate(t, "production", headA))
	h.settle()
	if g := h.readiness(groupHead); len(g) != 1 || g[0].Conclusion != "success" {
		t.Errorf("merge group check %+v", g)
	}
	if r := h.gateReviews(); len(r) != 2 || r[1].State != "approved" || r[1].Environment != "production" {
		t.Errorf("production deploy reviews %+v", r)
	}
}

// TestE2EMembershipEventInvalidatesCache: roles are cached for minutes,
// but a membership webhook makes the next command see the new team.
func TestE2EMembershipEventInvalidatesCache(t *testing.T) {
	t.Parallel()
	h := openRelease(t)
	h.send("issue_comment", h.comment(t, "nina", "/approve ops", true))
	h.settle()
	if ticked(t, h.issue(t).Body, "operations-team-readiness-confirmed") {
		t.Fatal("nina signed before joining the team")
	}
	h.fake.AddTeamMember("ag06mixer/operations", "nina")
	// No membership payload is published in GitHub's examples; this one is
	// go-github's MembershipEvent, as GitHub documents it.
	ev, _ := json.Marshal(&github.MembershipEvent{Action: github.String("added"), Scope: github.String("team"),
		Member: &github.User{Login: github.String("nina")}, Team: &github.Team{Slug: github.String("operations")},
		Org: &github.Organization{Login: github.String("ag06mixer")}, Installation: &github.Installation{ID: github.Int64(1)}})
	h.send("membership", ev)
	h.settle()
	h.send("issue_comment", h.comment(t, "nina", "/approve ops", true))
	h.settle()
	if !ticked(t, h.issue(t).Body, "operations-team-readiness-confirmed") {
		t.Errorf("nina's sign-off was refused after she joined the team: %q", h.replies(prNum))
	}
}
