package ghconv_test

import (
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/ghconv"
)

func TestStatusStates(t *testing.T) {
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	for state, want := range map[string][2]string{
		"success": {"completed", "success"}, "failure": {"completed", "failure"},
		"error": {"completed", "failure"}, "pending": {"in_progress", ""}, "": {"in_progress", ""},
	} {
		c := ghconv.Status("ci/unit", 9, "abc", state, "https://ci.example/9", "ci-bot", at)
		if c.Status != want[0] || c.Conclusion != want[1] || c.Kind != "status" || c.Creator != "ci-bot" || c.At.Location() != time.UTC || !c.At.Equal(at) {
			t.Errorf("state %q: %+v, want %v", state, c, want)
		}
	}
}

// A run that has not completed carries no conclusion, whatever GitHub
// still reports from an earlier attempt; its time is its start.
func TestCheckRunConclusionOnlyWhenCompleted(t *testing.T) {
	started := github.Timestamp{Time: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}
	done := github.Timestamp{Time: started.Add(time.Minute)}
	running := &github.CheckRun{Name: github.String("unit"), Status: github.String("in_progress"), Conclusion: github.String("success"), StartedAt: &started,
		App: &github.App{Slug: github.String("github-actions"), ID: github.Int64(15368)}}
	if c := ghconv.CheckRun(running); c.Conclusion != "" || !c.At.Equal(started.Time) || c.App != "github-actions" || c.AppID != 15368 {
		t.Errorf("running: %+v", c)
	}
	running.Status, running.CompletedAt = github.String("completed"), &done
	if c := ghconv.CheckRun(running); c.Conclusion != "success" || !c.At.Equal(done.Time) {
		t.Errorf("completed: %+v", c)
	}
}

func TestDeployURLAndPR(t *testing.T) {
	d := &github.Deployment{ID: github.Int64(5), SHA: github.String("abc")}
	st := &github.DeploymentStatus{State: github.String("success"), TargetURL: github.String("https://t"), Creator: &github.User{Login: github.String("deployer")}}
	if r := ghconv.Deploy("production", d, st); r.URL != "https://t" || r.State != "success" || r.Creator != "deployer" || r.DeploymentID != 5 {
		t.Errorf("deploy: %+v", r)
	}
	st.LogURL = github.String("https://log")
	if r := ghconv.Deploy("production", d, st); r.URL != "https://log" {
		t.Errorf("the log URL is preferred: %+v", r)
	}
	p := &github.PullRequest{State: github.String("closed"), Merged: github.Bool(true), MergeCommitSHA: github.String("m1"),
		Labels: []*github.Label{{Name: github.String("release")}}, Base: &github.PullRequestBranch{Ref: github.String("main"), Repo: &github.Repository{ID: github.Int64(42)}}}
	if info := ghconv.PR(p); info.State != "closed" || !info.Merged || info.MergeSHA != "m1" || info.RepoID != 42 || len(info.Labels) != 1 || info.BaseRef != "main" || !info.MergedAt.IsZero() {
		t.Errorf("pr: %+v", info)
	}
}
