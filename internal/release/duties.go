package release

import (
	"fmt"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
)

// dutyRefusal applies the sign-off rules of separation of duties to any
// other way of satisfying or unblocking an item (a waiver, an unwaive):
// not the PR author, not the last pusher, unless the rules allow it.
func dutyRefusal(cfg *checklist.Config, n *State, login, what string) string {
	if strings.EqualFold(login, n.Author) && !cfg.Rules.AuthorMay() {
		return fmt.Sprintf("%s opened this release, and the author may not %s (rules.author_may_sign)", login, what)
	}
	if n.PushedBy(login) && !cfg.Rules.PusherMay() {
		return fmt.Sprintf("%s pushed the current head, and the last pusher may not %s (rules.pusher_may_sign)", login, what)
	}
	return ""
}

// approvalRefusal refuses a waiver of an approval item: only a sign-off
// by a member of its role satisfies it.
func approvalRefusal(it *checklist.Item) string {
	if it.Source() != checklist.SourceApproval {
		return ""
	}
	return fmt.Sprintf("%s is a sign-off and can never be waived; only `/approve %s` by a member of the role satisfies it", it.Title, it.Evidence.Approval.Role)
}

// mayUnhold says why p may not lift the hold, or "". The one who held may
// always lift it; anyone else must match rules.unhold_by (default
// @maintain) and not be the PR author.
func mayUnhold(cfg *checklist.Config, n *State, p Principal) string {
	if n.Hold == nil || strings.EqualFold(n.Hold.By, p.Login) {
		return ""
	}
	if strings.EqualFold(p.Login, n.Author) && !cfg.Rules.AuthorMay() {
		return fmt.Sprintf("%s opened this release; only %s, who held it, or another permitted person may lift the hold (rules.unhold_by)", p.Login, n.Hold.By)
	}
	list := cfg.Rules.Unholders()
	if allowedBy(list, p) {
		return ""
	}
	return fmt.Sprintf("only %s, who held it, or %s may lift the hold (rules.unhold_by)", n.Hold.By, whoMay(cfg, list))
}

// voidDependents voids the active sign-offs of roles whose After roles no
// longer all have an active sign-off (Final Approval after a revoke or a
// void), until none is left, and says what it voided.
func voidDependents(cfg *checklist.Config, n *State, at time.Time, actor string) []string {
	var out []string
	for changed := true; changed; {
		changed = false
		for i := range n.Signoffs {
			so := &n.Signoffs[i]
			if !so.Active() {
				continue
			}
			r, ok := cfg.Role(so.Role)
			if !ok {
				continue
			}
			var gone []string
			for _, before := range r.After {
				if _, ok := ActiveSignoff(n, before); !ok {
					gone = append(gone, roleTitle(cfg, before))
				}
			}
			if len(gone) == 0 {
				continue
			}
			so.VoidedAt = at
			so.VoidReason = "it waited for " + strings.Join(gone, ", ") + ", no longer signed off"
			msg := fmt.Sprintf("%s sign-off by %s voided: %s", r.Title, so.By, so.VoidReason)
			n.audit(at, actor, "voided", msg)
			out = append(out, msg)
			changed = true
		}
	}
	return out
}
