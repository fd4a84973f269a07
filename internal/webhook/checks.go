package webhook

import (
	"fmt"

	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/ghconv"
	"github.com/ag06mixer/golive/internal/release"
)

func (p *Parsed) checkRun(e *github.CheckRunEvent) error {
	p.repo(e.GetRepo(), e.GetInstallation(), e.GetSender())
	cr := e.GetCheckRun()
	if cr == nil {
		return fmt.Errorf("%w: check_run event without a check run", ErrMalformed)
	}
	for _, pr := range cr.PullRequests {
		p.PRs = append(p.PRs, pr.GetNumber())
	}
	p.SHA = cr.GetHeadSHA()
	if cr.GetName() == release.CheckName {
		// golive's own check run: only its Re-run and buttons matter.
		switch e.GetAction() {
		case "rerequested", "requested_action":
			p.Event.Kind = release.EvRefresh
		default:
			p.Ignore = "golive's own check run"
		}
		return nil
	}
	switch e.GetAction() {
	case "created", "completed", "rerequested":
	default:
		p.Ignore = "check_run." + e.GetAction() + " carries no result"
		return nil
	}
	status := cr.GetStatus()
	if e.GetAction() == "rerequested" {
		status = "queued" // a rerun: the old result no longer stands
	}
	when := at(cr.CompletedAt, at(cr.StartedAt, p.Event.At))
	if e.GetAction() == "rerequested" {
		when = p.Event.At
	}
	p.Event.Kind = release.EvCheck
	p.Event.At = when
	c := ghconv.CheckRun(cr)
	c.At = when
	if status != c.Status {
		c.Status, c.Conclusion = status, "" // a rerun
	}
	p.Event.Check = &c
	return nil
}

func (p *Parsed) checkSuite(e *github.CheckSuiteEvent) error {
	p.repo(e.GetRepo(), e.GetInstallation(), e.GetSender())
	cs := e.GetCheckSuite()
	if cs == nil {
		return fmt.Errorf("%w: check_suite event without a check suite", ErrMalformed)
	}
	if e.GetAction() != "completed" {
		p.Ignore = "check_suite." + e.GetAction() + " carries no result"
		return nil
	}
	for _, pr := range cs.PullRequests {
		p.PRs = append(p.PRs, pr.GetNumber())
	}
	p.SHA = cs.GetHeadSHA()
	when := at(cs.UpdatedAt, p.Event.At)
	name := cs.GetApp().GetSlug()
	if name == "" {
		name = cs.GetApp().GetName()
	}
	p.Event.Kind = release.EvCheck
	p.Event.At = when
	p.Event.Check = &release.CheckResult{
		Name: name, Kind: "check_suite", ID: cs.GetID(), SHA: cs.GetHeadSHA(),
		Status: cs.GetStatus(), Conclusion: cs.GetConclusion(), At: when,
		App: cs.GetApp().GetSlug(), AppID: cs.GetApp().GetID(),
	}
	return nil
}

func (p *Parsed) status(e *github.StatusEvent) error {
	p.repo(e.GetRepo(), e.GetInstallation(), e.GetSender())
	if e.GetSHA() == "" || e.GetContext() == "" {
		return fmt.Errorf("%w: status event without a sha or context", ErrMalformed)
	}
	p.SHA = e.GetSHA()
	when := at(e.UpdatedAt, p.Event.At)
	// The status event has no creator field; its sender is who posted it.
	c := ghconv.Status(e.GetContext(), e.GetID(), e.GetSHA(), e.GetState(), e.GetTargetURL(), e.GetSender().GetLogin(), when)
	p.Event.Kind = release.EvCheck
	p.Event.At = when
	p.Event.Check = &c
	return nil
}

func (p *Parsed) deploymentStatus(e *github.DeploymentStatusEvent) error {
	p.repo(e.GetRepo(), e.GetInstallation(), e.GetSender())
	d, ds := e.GetDeployment(), e.GetDeploymentStatus()
	if d == nil || ds == nil {
		return fmt.Errorf("%w: deployment_status event without a deployment", ErrMalformed)
	}
	p.SHA, p.Ref = d.GetSHA(), d.GetRef()
	env := ds.GetEnvironment()
	if env == "" {
		env = d.GetEnvironment()
	}
	when := at(ds.CreatedAt, p.Event.At)
	dr := ghconv.Deploy(env, d, ds)
	dr.At = when
	p.Event.Kind = release.EvDeploy
	p.Event.At = when
	p.Event.Deploy = &dr
	return nil
}
