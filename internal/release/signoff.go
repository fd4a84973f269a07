package release

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/command"
	"github.com/ag06mixer/golive/internal/mdtext"
)

func approve(cfg *checklist.Config, n *State, ev Event, id string) outcome {
	p := ev.Actor
	r, o, ok := findRole(cfg, id)
	if !ok {
		return o
	}
	if so, ok := ActiveSignoff(n, r.ID); ok {
		if strings.EqualFold(so.By, p.Login) {
			return outcome{ok: true}
		}
		return outcome{refusal: fmt.Sprintf("%s already signed off as %s at %s; they can `/revoke %s` first", so.By, r.Title, short(so.SHA), r.ID)}
	}
	if !slices.Contains(p.Roles, r.ID) {
		return outcome{refusal: fmt.Sprintf("%s %s, so cannot give the %s sign-off", p.Login, notHolder(r), r.Title)}
	}
	if strings.EqualFold(p.Login, n.Author) && !cfg.Rules.AuthorMay() {
		return outcome{refusal: fmt.Sprintf("%s opened this release, and the author may not sign it off (rules.author_may_sign)", p.Login)}
	}
	if n.PushedBy(p.Login) && !cfg.Rules.PusherMay() {
		return outcome{refusal: pusherRefusal(n, p.Login)}
	}
	if cfg.Rules.OneRole() {
		for _, so := range n.Signoffs {
			if so.Active() && strings.EqualFold(so.By, p.Login) && so.Role != r.ID {
				return outcome{refusal: fmt.Sprintf("%s already signed off as %s, and one person gives one sign-off per release (rules.one_person_one_role)", p.Login, roleTitle(cfg, so.Role))}
			}
		}
	}
	// The after rule is judged on the sign-offs made before this command:
	// one made later never counts for it, whatever order the webhooks
	// came in.
	if missing := missingAt(cfg, n, r, ev.At, ev.Comment.ID); len(missing) > 0 {
		return outcome{refusal: fmt.Sprintf("%s waits for the other sign-offs; still missing: %s", r.Title, strings.Join(missing, ", ")), waitFor: missing}
	}
	if n.HeadSHA == "" {
		return outcome{refusal: "golive does not know the PR head yet; try again in a moment"}
	}
	n.Signoffs = append(n.Signoffs, Signoff{Role: r.ID, By: p.Login, At: ev.At, SHA: n.HeadSHA, Tree: n.HeadTree, CommentID: ev.Comment.ID, URL: ev.Comment.URL, Standing: standingOf(p)})
	n.audit(ev.At, p.Login, "signed", fmt.Sprintf("%s on %s", r.Title, short(n.HeadSHA)))
	return outcome{ok: true, changed: true}
}

func revoke(cfg *checklist.Config, n *State, ev Event, id string) outcome {
	r, o, ok := findRole(cfg, id)
	if !ok {
		return o
	}
	for i := len(n.Signoffs) - 1; i >= 0; i-- {
		so := &n.Signoffs[i]
		if so.Role != r.ID || !so.Active() {
			continue
		}
		if !strings.EqualFold(so.By, ev.Actor.Login) {
			return outcome{refusal: fmt.Sprintf("the %s sign-off is %s's; only they can revoke it", r.Title, so.By)}
		}
		so.VoidedAt, so.VoidReason = ev.At, "revoked by "+ev.Actor.Login
		n.audit(ev.At, ev.Actor.Login, "revoked", r.Title)
		return outcome{ok: true, changed: true, notes: voidDependents(cfg, n, ev.At, ev.Actor.Login)}
	}
	return outcome{refusal: fmt.Sprintf("there is no %s sign-off to revoke", r.Title)}
}

func findRole(cfg *checklist.Config, id string) (checklist.Role, outcome, bool) {
	if id == "" {
		return checklist.Role{}, outcome{refusal: "name a role: " + roleList(cfg)}, false
	}
	if r, ok := cfg.Role(id); ok {
		return r, outcome{}, true
	}
	if !command.IsASCII(id) { // a look-alike: never a role
		msg := fmt.Sprintf("%s has characters that only look like letters", mdtext.Code(id, 40))
		if f := command.Fold(id); f != id {
			msg += fmt.Sprintf("; did you mean %s?", mdtext.Code(f, 40))
		}
		return checklist.Role{}, outcome{refusal: msg, unknown: true}, false
	}
	for _, r := range cfg.Roles { // "/approve Security Review" → by title
		if strings.EqualFold(r.Title, id) || strings.EqualFold(strings.ReplaceAll(r.Title, " ", "-"), id) {
			return r, outcome{}, true
		}
	}
	var ids []string
	for _, r := range cfg.Roles {
		ids = append(ids, r.ID)
	}
	msg := fmt.Sprintf("there is no role %s", mdtext.Code(id, 40))
	if s, ok := checklist.Closest(id, ids); ok {
		msg += fmt.Sprintf("; did you mean `%s`?", s)
	} else {
		msg += "; the roles are " + roleList(cfg)
	}
	return checklist.Role{}, outcome{refusal: msg, unknown: true}, false
}

// notHolder says whom the role is for: "is not in ag06mixer/security".
func notHolder(r checklist.Role) string {
	var ways []string
	if len(r.Teams) > 0 {
		ways = append(ways, "in "+strings.Join(r.Teams, " or "))
	}
	if len(r.Users) > 0 {
		ways = append(ways, "listed for the role")
	}
	if r.Permission != "" {
		ways = append(ways, "given "+r.Permission+" access to the repo")
	}
	if len(ways) == 0 {
		return "does not hold the role (it has no members)"
	}
	return "is not " + strings.Join(ways, " or ")
}

// allowedBy reports whether p matches a list of role ids and @permissions.
func allowedBy(list []string, p Principal) bool {
	for _, who := range list {
		if perm, ok := strings.CutPrefix(who, "@"); ok {
			if atLeast(p, perm) {
				return true
			}
			continue
		}
		if slices.Contains(p.Roles, who) {
			return true
		}
	}
	return false
}

func atLeast(p Principal, perm string) bool {
	want := checklist.PermissionRank(perm)
	return want >= 0 && checklist.PermissionRank(p.Permission) >= want
}

// MayApprove reports whether p could give role's sign-off at now, by the
// same rules /approve is judged by (role held, author, last pusher, one
// role per person, order); why not, when not. It changes nothing.
func MayApprove(cfg *checklist.Config, s *State, p Principal, role string, now time.Time) (bool, string) {
	if _, ok := ActiveSignoff(s, role); ok {
		return false, "already signed"
	}
	o := approve(cfg, s.Clone(), Event{At: now, Actor: p, Comment: &CommentInfo{}}, role)
	return o.ok && o.changed, o.refusal
}

// whoMay names, for a refusal, the people a list of role ids and
// @permissions allows: "Security Review or anyone with maintain access".
func whoMay(cfg *checklist.Config, list []string) string {
	who := make([]string, len(list))
	for i, w := range list {
		if perm, ok := strings.CutPrefix(w, "@"); ok {
			who[i] = "anyone with " + perm + " access"
		} else {
			who[i] = roleTitle(cfg, w)
		}
	}
	return strings.Join(who, " or ")
}
