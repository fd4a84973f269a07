package tracker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/receipt"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/webhook"
)

// gateAnswer is what a gate tells GitHub: a check run on a merge group's
// head, or the answer to a deployment protection rule.
type gateAnswer struct {
	check  *release.CheckRun
	review *deployReview
}

// deployReview answers one waiting deployment; decision is its receipt.
type deployReview struct {
	runID    int64
	env      string
	approve  bool
	comment  string
	decision receipt.GateDecision
	at       time.Time // when the decision was made
}

// answer gives a gate's answer. For a release (rec set, its lock held)
// a deployment's decision is recorded in a receipt before it is given, so
// a failed review is retried against a decision already on record.
func (tr *Tracker) answer(ctx context.Context, gh GitHub, rc repoConfig, k release.Key, rec *record, a gateAnswer) error {
	if a.check != nil {
		if _, err := tr.createCheck(ctx, gh, k, *a.check); err != nil {
			return err
		}
	}
	if r := a.review; r != nil {
		if rec != nil {
			if err := tr.gateReceipt(ctx, gh, rc, rec, r.decision, r.at); err != nil {
				return err // receipts.go
			}
		}
		return gh.ReviewDeployment(ctx, k.Owner, k.Repo, r.runID, r.env, r.approve, r.comment)
	}
	return nil
}

// mergeGroup reports golive/readiness on a merge queue group's head: the
// verdict of the release PR in the group, judged under its lock now
// (probe freshness and waiver expiries included). A PR golive has no
// state for (a lost Redis, a missed opening) is looked up on GitHub: a
// release PR by the config is rebuilt and judged, and until it is, the
// group fails with the reason. Only a group whose PRs GitHub says are not
// release PRs passes.
func (tr *Tracker) mergeGroup(ctx context.Context, gh GitHub, p webhook.Parsed) error {
	head := p.MergeGroup.HeadSHA
	repo := release.Key{Owner: p.Owner, Repo: p.Repo}
	failed := func(title, summary string) error {
		return tr.answer(ctx, gh, repoConfig{}, repo, nil, gateAnswer{check: &release.CheckRun{SHA: head, Status: "completed", Conclusion: "failure",
			Title: "Merge queue: " + title, Summary: summary}})
	}
	if len(p.PRs) == 0 {
		return failed("PR of this group unknown", fmt.Sprintf("golive could not tell which pull request the merge group %s holds, so it cannot judge it.", p.MergeGroup.HeadRef))
	}
	rc, err := tr.config(ctx, gh, p.Owner, p.Repo)
	if err != nil {
		return errors.Join(err, failed("not judged yet", "golive could not read the repository's config; it tries again."))
	}
	for _, n := range p.PRs {
		k := release.Key{Owner: p.Owner, Repo: p.Repo, PR: n}
		rec, err := tr.load(ctx, k)
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
			if err := tr.Reconcile(ctx, k, p.Event.Installation); err != nil {
				return errors.Join(err, failed("not judged yet", fmt.Sprintf("#%d is a release PR golive has no state for; it is being rebuilt from GitHub.", n)))
			}
		}
		return tr.withLock(ctx, k.String(), func(ctx context.Context) error {
			rec, err := tr.load(ctx, k)
			if err != nil || rec == nil || rec.State.Status != release.StatusOpen {
				return errors.Join(err, failed("not judged yet", fmt.Sprintf("#%d is a release PR golive could not rebuild; it tries again.", n)),
					fmt.Errorf("%s: not rebuilt", k))
			}
			c := release.CheckRunFor(rc.cfg, rec.State, release.Evaluate(rc.cfg, rec.State, tr.o.Clock()), tr.issueURL(k, rec.State.Issue))
			c.SHA = head
			c.Title = "Merge queue: " + c.Title
			c = completed(c)
			return tr.commit(ctx, gh, rc, rec, change{id: "merge-group-" + head, gate: &gateAnswer{check: &c}})
		})
	}
	return tr.answer(ctx, gh, rc, repo, nil, gateAnswer{check: &release.CheckRun{SHA: head, Status: "completed", Conclusion: "success",
		Title: "No release PR in this merge group", Summary: "golive gates release pull requests only; GitHub says this group has none."}})
}

// deployGate answers a deployment protection rule: approve or reject the
// waiting deployment by the readiness of the release its commit belongs
// to, judged under that release's lock. Only a release's head commit or
// its merge commit counts; a commit no release tracks is rejected in
// every gated environment, whatever its ref: golive fails closed.
func (tr *Tracker) deployGate(ctx context.Context, gh GitHub, p webhook.Parsed) error {
	g := p.DeployGate
	repo := release.Key{Owner: p.Owner, Repo: p.Repo}
	review := func(approve bool, comment string) gateAnswer {
		return gateAnswer{review: &deployReview{runID: g.RunID, env: g.Environment, approve: approve, comment: comment}}
	}
	rc, err := tr.config(ctx, gh, p.Owner, p.Repo)
	if err != nil {
		return err
	}
	if _, gated := rc.cfg.Environments[g.Environment]; !gated {
		return tr.answer(ctx, gh, rc, repo, nil, review(true, fmt.Sprintf("golive does not gate %s.", g.Environment)))
	}
	if g.SHA != "" {
		keys, err := tr.releasesOfCommit(ctx, gh, p, g.SHA)
		if err != nil {
			return err
		}
		for _, k := range keys {
			judged := false
			err := tr.withLock(ctx, k.String(), func(ctx context.Context) error {
				rec, err := tr.load(ctx, k)
				if err != nil || rec == nil {
					return err
				}
				if judged, err = tr.releaseCommit(ctx, gh, k, rec, g.SHA); err != nil || !judged {
					return err
				}
				now := tr.o.Clock()
				v := release.GateFor(rc.cfg, rec.State, g.Environment, now, tr.issueURL(k, rec.State.Issue))
				a := review(v.Approve, v.Comment)
				a.review.decision, a.review.at = receipt.GateDecision{Environment: g.Environment, RunID: g.RunID, SHA: g.SHA, Approved: v.Approve, Missing: v.Missing}, now
				return tr.commit(ctx, gh, rc, rec, change{id: fmt.Sprintf("deploy-gate-%d", g.RunID), gate: &a})
			})
			if err != nil || judged {
				return err
			}
		}
	}
	what := g.SHA
	if what == "" {
		what = g.Ref
	}
	return tr.answer(ctx, gh, rc, repo, nil, review(false,
		fmt.Sprintf("No golive release tracks %s, so it may not deploy to %s. Deploy a release PR's head or its merge commit.", strings.TrimSpace(what), g.Environment)))
}

// releasesOfCommit lists the releases sha may belong to: named in the
// payload or indexed by the commit; when none is, the PRs GitHub says
// hold it, rebuilt first (Redis may have lost them).
func (tr *Tracker) releasesOfCommit(ctx context.Context, gh Reads, p webhook.Parsed, sha string) ([]release.Key, error) {
	names, err := tr.o.Index.ByCommit(ctx, p.Owner+"/"+p.Repo, sha)
	if err != nil {
		return nil, err
	}
	var keys []release.Key
	for _, n := range p.PRs {
		keys = append(keys, release.Key{Owner: p.Owner, Repo: p.Repo, PR: n})
	}
	for _, n := range names {
		if k, err := release.ParseKey(n); err == nil && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	if len(keys) > 0 {
		return keys, nil
	}
	prs, err := gh.PullsForCommit(ctx, p.Owner, p.Repo, sha)
	if err != nil {
		return nil, err
	}
	for _, n := range prs {
		k := release.Key{Owner: p.Owner, Repo: p.Repo, PR: n}
		if err := tr.Reconcile(ctx, k, p.Event.Installation); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// releaseCommit reports whether sha is the release's head commit, or its
// merge commit once merged. A branch name or an older head never counts.
func (tr *Tracker) releaseCommit(ctx context.Context, gh Reads, k release.Key, rec *record, sha string) (bool, error) {
	if rec.State.HeadSHA == sha {
		return true, nil
	}
	if rec.State.Status != release.StatusMerged {
		return false, nil
	}
	pr, err := gh.PullRequest(ctx, k.Owner, k.Repo, k.PR)
	if err != nil {
		return false, err
	}
	return pr.MergeSHA == sha, nil
}
