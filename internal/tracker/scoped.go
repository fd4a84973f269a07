package tracker

import (
	"context"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// changedFiles reads the files a push changed, when a role's sign-off
// resets only on some paths (invalidate_on). Left unknown, those
// sign-offs are voided: fail closed.
func (tr *Tracker) changedFiles(ctx context.Context, gh GitHub, k release.Key, cfg *checklist.Config, old string, pr *release.PRInfo) {
	scoped := false
	for _, r := range cfg.Roles {
		scoped = scoped || len(r.InvalidateOn) > 0
	}
	if !scoped || old == "" || pr.ChangedKnown {
		return
	}
	files, complete, err := gh.CompareFiles(ctx, k.Owner, k.Repo, old, pr.HeadSHA)
	switch {
	case err != nil:
		pr.ChangedWhy = "GitHub's compare failed"
		tr.o.Log.Warn("changed files unknown; scoped sign-offs will be voided", "release", k.String(), "err", err)
	case !complete:
		pr.ChangedWhy = "GitHub's compare lists only part of the files"
	default:
		pr.Changed, pr.ChangedKnown = files, true
	}
}
