package worker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/receipt"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/webhook"
)

// mergeGroup reports golive/readiness on a merge queue group's head: the
// verdict of the release PR in the group, re-checked now (probe freshness
// and waiver expiries included). A PR golive has no state for (a lost
// Redis, a missed opening) is looked up on GitHub: a release PR by the
// config is rebuilt and judged, and until it is, the group fails with the
// reason. Only a group whose PRs GitHub says are not release PRs passes.
func (w *Worker) mergeGroup(ctx context.Context, gh GitHub, p webhook.Parsed) error {
	head := p.MergeGroup.HeadSHA
	failed := func(title, summary string) error {
		_, err := w.createCheck(ctx, gh, release.Key{Owner: p.Owner, Repo: p.Repo}, release.CheckRun{SHA: head, Status: "completed", Conclusion: "failure",
			Title: "Merge queue: " + title, Summary: summary})
		return err
	}
	if len(p.PRs) == 0 {
		return failed("PR of this group unknown", fmt.Sprintf("golive could not tell which pull request the merge group %s holds, so it cannot judge it.", p.MergeGroup.HeadRef))
	}
	rc, err := w.config(ctx, gh, p.Owner, p.Repo)
	if err != nil {
		return errors.Join(err, failed("not judged yet", "golive could not read the repository's config; it tries again."))
	}
	for _, n := range p.PRs {
		k := release.Key{Owner: p.Owner, Repo: p.Repo, PR: n}
		rec, err := w.load(ctx, k)
		if err != nil {
			return errors.Join(err, failed("not judged yet", fmt.Sprintf("golive could not load what it knows of #%d; it tries again.", n)))
		}
		if rec == nil || rec.State.Status != release.StatusOpen {
			pr, err := gh.PullRequest(ctx, p.Owner, p.Repo, n)
			if err != nil {
				return errors.Join(err, failed("not judged yet", fmt.Sprintf("golive has no state for #%d and could not look it up on GitHub; it tries again.", n)))
			}
			if rec == nil && !rc.cfg.Release.Matches(pr.HeadRef, pr.BaseRef, pr.Title, pr.Labels) {
				continue // not a release PR
			}
			if pr.State != "open" {
				return failed("release PR not open", fmt.Sprintf("#%d is a release PR and GitHub says it is %s.", n, pr.State))
			}
			// A release PR golive does not know: rebuild it from GitHub,
			// then judge it.
			if err := w.Reconcile(ctx, k, p.Event.Installation); err != nil {
				return errors.Join(err, failed("not judged yet", fmt.Sprintf("#%d is a release PR golive has no state for; it is being rebuilt from GitHub.", n)))
			}
			if rec, err = w.load(ctx, k); err != nil || rec == nil || rec.State.Status != release.StatusOpen {
				return errors.Join(err, failed("not judged yet", fmt.Sprintf("#%d is a release PR golive could not rebuild; it tries again.", n)),
					fmt.Errorf("%s: not rebuilt", k))
			}
		}
		issueURL := w.issueURL(k, rec.State.Issue)
		c := release.CheckRunFor(rc.cfg, rec.State, release.Evaluate(rc.cfg, rec.State, w.o.Clock()), issueURL)
		c.SHA = head
		c.Title = "Merge queue: " + c.Title
		_, err = w.createCheck(ctx, gh, k, completed(c))
		return err
	}
	_, err = w.createCheck(ctx, gh, release.Key{Owner: p.Owner, Repo: p.Repo}, release.CheckRun{SHA: head, Status: "completed", Conclusion: "success",
		Title: "No release PR in this merge group", Summary: "golive gates release pull requests only; GitHub says this group has none."})
	return err
}

// deployGate answers a deployment protection rule: approve or reject the
// waiting deployment by the readiness of the release its commit belongs
// to. Only a release's head commit or its merge commit counts; a commit
// no release tracks is rejected in every gated environment, whatever its
// ref: golive fails closed.
func (w *Worker) deployGate(ctx context.Context, gh GitHub, p webhook.Parsed) error {
	g := p.DeployGate
	rc, err := w.config(ctx, gh, p.Owner, p.Repo)
	if err != nil {
		return err
	}
	if _, gated := rc.cfg.Environments[g.Environment]; !gated {
		return gh.ReviewDeployment(ctx, p.Owner, p.Repo, g.RunID, g.Environment, true, fmt.Sprintf("golive does not gate %s.", g.Environment))
	}
	if g.SHA != "" {
		k, rec, err := w.releaseOfCommit(ctx, gh, p, g.SHA)
		if err != nil {
			return err
		}
		if rec != nil {
			issueURL := w.issueURL(k, rec.State.Issue)
			now := w.o.Clock()
			verdict := release.GateFor(rc.cfg, rec.State, g.Environment, now, issueURL)
			if err := w.gateReceipt(ctx, gh, rc, k, receipt.GateDecision{Environment: g.Environment, RunID: g.RunID, SHA: g.SHA, Approved: verdict.Approve, Missing: verdict.Missing}, now); err != nil {
				return err // receipts.go: the decision is recorded before it is given
			}
			return gh.ReviewDeployment(ctx, p.Owner, p.Repo, g.RunID, g.Environment, verdict.Approve, verdict.Comment)
		}
	}
	what := g.SHA
	if what == "" {
		what = g.Ref
	}
	return gh.ReviewDeployment(ctx, p.Owner, p.Repo, g.RunID, g.Environment, false,
		fmt.Sprintf("No golive release tracks %s, so it may not deploy to %s. Deploy a release PR's head or its merge commit.", strings.TrimSpace(what), g.Environment))
}

// releaseOfCommit finds the release whose head commit, or merge commit,
// is sha. A branch name or an older head of a release never counts.
func (w *Worker) releaseOfCommit(ctx context.Context, gh GitHub, p webhook.Parsed, sha string) (release.Key, *record, error) {
	names, err := w.o.Store.ByCommit(ctx, p.Owner+"/"+p.Repo, sha)
	if err != nil {
		return release.Key{}, nil, err
	}
	var keys []release.Key
	for _, n := range p.PRs {
		keys = append(keys, release.Key{Owner: p.Owner, Repo: p.Repo, PR: n})
	}
	for _, n := range names {
		if k, err := ParseKey(n); err == nil && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		// Redis may have lost the release: ask GitHub which PRs hold the
		// commit, and rebuild those that are releases before judging.
		prs, err := gh.PullsForCommit(ctx, p.Owner, p.Repo, sha)
		if err != nil {
			return release.Key{}, nil, err
		}
		for _, n := range prs {
			k := release.Key{Owner: p.Owner, Repo: p.Repo, PR: n}
			if err := w.Reconcile(ctx, k, p.Event.Installation); err != nil {
				return k, nil, err
			}
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		rec, err := w.load(ctx, k)
		if err != nil {
			return k, nil, err
		}
		if rec == nil {
			continue
		}
		if rec.State.HeadSHA == sha {
			return k, rec, nil
		}
		if rec.State.Status == release.StatusMerged {
			pr, err := gh.PullRequest(ctx, k.Owner, k.Repo, k.PR)
			if err != nil {
				return k, nil, err
			}
			if pr.MergeSHA == sha {
				return k, rec, nil
			}
		}
	}
	return release.Key{}, nil, nil
}

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
func (w *Worker) notRelease(ctx context.Context, gh GitHub, rc repoConfig, k release.Key, ev release.Event) error {
	pr := ev.PR
	if ev.Kind != release.EvPR || pr == nil || pr.HeadSHA == "" || !gatedBase(rc.cfg, pr.BaseRef) {
		return nil
	}
	key := "notrel-check:" + k.String() + ":" + pr.HeadSHA
	if _, done, err := w.o.Store.CacheGet(ctx, key); err != nil || done {
		return err
	}
	_, err := w.createCheck(ctx, gh, k, release.CheckRun{SHA: pr.HeadSHA, Status: "completed", Conclusion: "success",
		Title: "Not a release PR", Summary: "golive gates release pull requests only, and this one is not one by the repository's config (`release` in .github/golive.yml). Should it become one (a label, a new title), golive judges it from then on."})
	if err != nil {
		return err
	}
	w.o.Metrics.GitHubWrites.WithLabelValues("check_run").Inc()
	return w.o.Store.CacheSet(ctx, key, []byte("1"), notReleaseCheckTTL)
}
