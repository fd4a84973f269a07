package worker

import (
	"context"
	"fmt"
	"strings"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/webhook"
)

// mergeGroup reports golive/readiness on a merge queue group's head: the
// verdict of the release PR in the group, re-checked now (probe freshness
// and waiver expiries included); a group with no release PR passes.
func (w *Worker) mergeGroup(ctx context.Context, gh GitHub, p webhook.Parsed) error {
	now := w.o.Clock()
	for _, n := range p.PRs {
		k := release.Key{Owner: p.Owner, Repo: p.Repo, PR: n}
		rec, err := w.load(ctx, k)
		if err != nil {
			return err
		}
		if rec == nil || rec.State.Status != release.StatusOpen {
			continue
		}
		rc, err := w.config(ctx, gh, p.Owner, p.Repo)
		if err != nil {
			return err
		}
		issueURL := w.issueURL(k, rec.State.Issue)
		c := release.CheckRunFor(rc.cfg, rec.State, release.Evaluate(rc.cfg, rec.State, now), issueURL)
		c.SHA = p.MergeGroup.HeadSHA
		c.Title = "Merge queue: " + c.Title
		_, err = gh.CreateCheckRun(ctx, p.Owner, p.Repo, c)
		return err
	}
	_, err := gh.CreateCheckRun(ctx, p.Owner, p.Repo, release.CheckRun{SHA: p.MergeGroup.HeadSHA, Status: "completed", Conclusion: "success",
		Title: "No release PR in this merge group", Summary: "golive gates release pull requests only; this group has none."})
	return err
}

// deployGate answers a deployment protection rule: approve or reject the
// waiting deployment by the readiness of the release its commit belongs
// to. A gated environment with no release behind the commit is rejected:
// golive fails closed.
func (w *Worker) deployGate(ctx context.Context, gh GitHub, p webhook.Parsed) error {
	g := p.DeployGate
	keys, err := w.releasesOf(ctx, gh, p)
	if err != nil {
		return err
	}
	rc, err := w.config(ctx, gh, p.Owner, p.Repo)
	if err != nil {
		return err
	}
	for _, k := range keys {
		rec, err := w.load(ctx, k)
		if err != nil {
			return err
		}
		if rec == nil {
			continue
		}
		issueURL := w.issueURL(k, rec.State.Issue)
		verdict := release.GateFor(rc.cfg, rec.State, g.Environment, w.o.Clock(), issueURL)
		return gh.ReviewDeployment(ctx, p.Owner, p.Repo, g.RunID, g.Environment, verdict.Approve, verdict.Comment)
	}
	if _, gated := rc.cfg.Environments[g.Environment]; !gated {
		return gh.ReviewDeployment(ctx, p.Owner, p.Repo, g.RunID, g.Environment, true, fmt.Sprintf("golive does not gate %s.", g.Environment))
	}
	what := g.SHA
	if what == "" {
		what = g.Ref
	}
	return gh.ReviewDeployment(ctx, p.Owner, p.Repo, g.RunID, g.Environment, false,
		fmt.Sprintf("No golive release tracks %s, so it may not deploy to %s. Deploy a release PR's head or its merge commit.", strings.TrimSpace(what), g.Environment))
}
