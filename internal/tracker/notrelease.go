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
	if ok, err := tr.configPR(ctx, gh, rc, k, ev); ok || err != nil {
		return err // a PR that changes .github/golive.yml (configpr.go)
	}
	if ev.Kind != release.EvPR || pr == nil || pr.HeadSHA == "" || !gatedBase(rc.cfg, pr.BaseRef) {
		return nil
	}
	key := "notrel-check:" + k.String() + ":" + pr.HeadSHA
	if _, done, err := tr.o.Cache.CacheGet(ctx, key); err != nil || done {
		return err
	}
	if shared, err := tr.sharedHead(ctx, gh, rc, k, pr.HeadSHA); err != nil || shared {
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

// sharedHead is releaseHead, logged: golive/readiness is one check per
// commit, so a check written for a PR that is not a release on a
// release's head (another PR opened with the same commit, from a fork
// too) would stand over the release's own verdict. golive writes none.
func (tr *Tracker) sharedHead(ctx context.Context, gh GitHub, rc repoConfig, k release.Key, sha string) (bool, error) {
	shared, err := tr.releaseHead(ctx, gh, rc, k, sha)
	if shared {
		tr.o.Log.Warn("a PR that is not a release shares its head with a release: golive writes no check for it", "pr", k.String(), "sha", sha)
	}
	return shared, err
}

// releaseHead reports whether sha is the head of a release other than k:
// one golive indexes, or, should Redis have lost the index, an open PR
// GitHub names for the commit whose head it is and that the config makes
// a release. When it cannot tell (a read fails) it says so by the error,
// and nothing is written.
func (tr *Tracker) releaseHead(ctx context.Context, gh GitHub, rc repoConfig, k release.Key, sha string) (bool, error) {
	names, err := tr.o.Index.ByCommit(ctx, k.Owner+"/"+k.Repo, sha)
	if err != nil {
		return false, err
	}
	for _, n := range names {
		if n != k.String() {
			return true, nil
		}
	}
	prs, err := gh.PullsForCommit(ctx, k.Owner, k.Repo, sha)
	if err != nil {
		return false, err
	}
	for _, n := range prs {
		if n == k.PR {
			continue
		}
		p, err := gh.PullRequest(ctx, k.Owner, k.Repo, n)
		if err != nil {
			return false, err
		}
		if p.State == "open" && p.HeadSHA == sha && rc.cfg.Release.Matches(p.HeadRef, p.BaseRef, p.Title, p.Labels) {
			return true, nil
		}
	}
	return false, nil
}
