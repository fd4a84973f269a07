package tracker

import (
	"context"
	"slices"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// notReleaseCheckTTL is how long golive remembers it reported a head "not a
// release PR"; a commit never changes, so the only cost of forgetting is
// one more write.
const notReleaseCheckTTL = 30 * 24 * time.Hour

// gatedBase reports whether golive gates PRs into base: the branches the
// config's release.base_branches name, or every branch when it names none.
func gatedBase(cfg *checklist.Config, base string) bool {
	if len(cfg.Release.BaseBranches) == 0 {
		return true
	}
	return slices.ContainsFunc(cfg.Release.BaseBranches, func(g string) bool { return checklist.Glob(g, base) })
}

// notRelease reports golive/readiness as success ("not a release PR") on
// the head of an open PR into a gated branch that is not a release PR, so
// a branch that requires the check does not block every other PR. It
// costs one write per head: the head is remembered in Redis, so a
// redelivery or a second event on the same head writes nothing. A PR that
// becomes a release PR later (a label, a rename) is tracked from then on,
// and its check run, newer, carries the real verdict.
func (tr *Tracker) notRelease(ctx context.Context, gh GitHub, rc repoConfig, k release.Key, ev release.Event) error {
	pr := ev.PR
	if ok, err := tr.configPR(ctx, gh, k, ev); ok || err != nil {
		return err // a PR that changes .github/golive.yml (configpr.go)
	}
	if ev.Kind != release.EvPR || pr == nil || pr.HeadSHA == "" || !gatedBase(rc.cfg, pr.BaseRef) {
		return nil
	}
	key := "notrel-check:" + k.String() + ":" + pr.HeadSHA
	if _, done, err := tr.o.Cache.CacheGet(ctx, key); err != nil || done {
		return err
	}
	_, err := tr.createCheck(ctx, gh, k, release.CheckRun{SHA: pr.HeadSHA, Status: "completed", Conclusion: "success",
		Title: "Not a release PR", Summary: "golive gates release pull requests only, and this one is not one by the repository's config (`release` in .github/golive.yml). Should it become one (a label, a new title), golive judges it from then on."})
	if err != nil {
		return err
	}
	tr.o.Metrics.GitHubWrites.WithLabelValues("check_run").Inc()
	return tr.o.Cache.CacheSet(ctx, key, []byte("1"), notReleaseCheckTTL)
}
