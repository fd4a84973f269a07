//go:build !nodemo

package cli

import (
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/githubfake"
)

func (d *demo) prEvent(action string, p *githubfake.Pull, sender string) *github.PullRequestEvent {
	var pr *github.PullRequest
	d.fake.Do(func(repos map[string]*githubfake.Repo) {
		now := &github.Timestamp{Time: time.Now()}
		pr = &github.PullRequest{
			Number: github.Int(p.Number), Title: github.String(p.Title), State: github.String(p.State),
			User: demoUser(p.Author), HTMLURL: github.String("https://github.com/acme/shop/pull/42"),
			Head:   &github.PullRequestBranch{Ref: github.String(p.HeadRef), SHA: github.String(p.HeadSHA)},
			Base:   &github.PullRequestBranch{Ref: github.String(p.BaseRef)},
			Merged: github.Bool(p.Merged), UpdatedAt: now, CreatedAt: &github.Timestamp{Time: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)},
		}
		if p.Merged {
			pr.MergedAt, pr.MergeCommitSHA = now, github.String(p.MergeSHA)
		}
	})
	return &github.PullRequestEvent{Action: github.String(action), Number: github.Int(p.Number), PullRequest: pr,
		Repo: demoRepo(), Sender: demoUser(sender), Installation: demoInstallation()}
}

func (d *demo) checkEvent(name, conclusion, sender string) *github.CheckRunEvent {
	c := d.fake.AddCheckRun("acme/shop", name, d.head, "completed", conclusion)
	return &github.CheckRunEvent{
		Action: github.String("completed"),
		CheckRun: &github.CheckRun{
			ID: github.Int64(c.ID), Name: github.String(name), HeadSHA: github.String(d.head),
			Status: github.String("completed"), Conclusion: github.String(conclusion), HTMLURL: github.String(c.HTMLURL),
			CompletedAt:  &github.Timestamp{Time: *c.CompletedAt},
			PullRequests: []*github.PullRequest{{Number: github.Int(demoPR)}},
		},
		Repo: demoRepo(), Sender: demoUser(sender), Installation: demoInstallation(),
	}
}

func (d *demo) deployEvent(env, state string) *github.DeploymentStatusEvent {
	dep := d.fake.AddDeployment("acme/shop", env, d.head, "release/2.4.0", state)
	st := dep.Statuses[0]
	return &github.DeploymentStatusEvent{
		Deployment: &github.Deployment{ID: github.Int64(dep.ID), SHA: github.String(d.head), Ref: github.String(dep.Ref), Environment: github.String(env)},
		DeploymentStatus: &github.DeploymentStatus{ID: github.Int64(st.ID), State: github.String(state), Environment: github.String(env),
			Creator: demoUser("deploy-bot"), CreatedAt: &github.Timestamp{Time: st.At}},
		Repo: demoRepo(), Sender: demoUser("deploy-bot"), Installation: demoInstallation(),
	}
}

func demoRepo() *github.Repository {
	return &github.Repository{Name: github.String("shop"), FullName: github.String("acme/shop"), Owner: &github.User{Login: github.String("acme")}}
}

func demoUser(login string) *github.User {
	return &github.User{Login: github.String(login), Type: github.String("User")}
}

func demoInstallation() *github.Installation { return &github.Installation{ID: github.Int64(1)} }
