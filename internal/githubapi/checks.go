package githubapi

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/release"
)

// CreateCheckRun creates the readiness check run.
func (in *Installation) CreateCheckRun(ctx context.Context, owner, repo string, c release.CheckRun) (int64, error) {
	opt := github.CreateCheckRunOptions{Name: release.CheckName, HeadSHA: c.SHA, Status: &c.Status, Output: output(c), Actions: actions()}
	if c.Conclusion != "" {
		opt.Conclusion = &c.Conclusion
	}
	if c.DetailsURL != "" {
		opt.DetailsURL = &c.DetailsURL
	}
	cr, _, err := in.c.Checks.CreateCheckRun(ctx, owner, repo, opt)
	if err != nil {
		return 0, fmt.Errorf("create check run on %s/%s@%s: %w", owner, repo, c.SHA, err)
	}
	return cr.GetID(), nil
}

// UpdateCheckRun updates the readiness check run in place.
func (in *Installation) UpdateCheckRun(ctx context.Context, owner, repo string, id int64, c release.CheckRun) error {
	opt := github.UpdateCheckRunOptions{Name: release.CheckName, Status: &c.Status, Output: output(c), Actions: actions()}
	if c.Conclusion != "" {
		opt.Conclusion = &c.Conclusion
	}
	if c.DetailsURL != "" {
		opt.DetailsURL = &c.DetailsURL
	}
	if _, resp, err := in.c.Checks.UpdateCheckRun(ctx, owner, repo, id, opt); err != nil {
		return fmt.Errorf("update check run %d on %s/%s: %w", id, owner, repo, notFound(resp, err))
	}
	return nil
}

func output(c release.CheckRun) *github.CheckRunOutput {
	o := &github.CheckRunOutput{Title: &c.Title, Summary: &c.Summary}
	for i, p := range c.Problems {
		if i == 50 { // GitHub takes at most 50 annotations per request
			break
		}
		path, line, msg, level := p.Path, p.Line, p.Message, "failure"
		if line < 1 {
			line = 1
		}
		col := p.Col
		a := &github.CheckRunAnnotation{Path: &path, StartLine: &line, EndLine: &line, AnnotationLevel: &level, Message: &msg}
		if col > 0 {
			a.StartColumn, a.EndColumn = &col, &col
		}
		o.Annotations = append(o.Annotations, a)
	}
	return o
}

func actions() []*github.CheckRunAction {
	return []*github.CheckRunAction{
		{Label: "Refresh", Description: "Re-read evidence from GitHub", Identifier: "refresh"},
		{Label: "Re-run probes", Description: "Probe live endpoints now", Identifier: "probes"},
	}
}

// ReviewDeployment approves or rejects a deployment waiting on golive's
// deployment protection rule. go-github v60 has no method for it, so the
// request is made by hand, to the path GitHub defines.
func (in *Installation) ReviewDeployment(ctx context.Context, owner, repo string, runID int64, env string, approve bool, comment string) error {
	state := "rejected"
	if approve {
		state = "approved"
	}
	if len(comment) > 1000 {
		comment = comment[:1000]
	}
	body := map[string]string{"environment_name": env, "state": state, "comment": comment}
	req, err := in.c.NewRequest(http.MethodPost, fmt.Sprintf("repos/%s/%s/actions/runs/%d/deployment_protection_rule", owner, repo, runID), body)
	if err != nil {
		return err
	}
	if _, err := in.c.Do(ctx, req, nil); err != nil {
		return fmt.Errorf("review deployment to %s (run %d) in %s/%s: %w", env, runID, owner, repo, err)
	}
	return nil
}
