package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/release"
)

// payload reads a real webhook payload and edits it.
func payload(t testing.TB, name string, edit func(m map[string]any)) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "webhooks", name))
	if err != nil {
		t.Fatal(err)
	}
	if edit == nil {
		return b
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["installation"] = map[string]any{"id": 1}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// inTestRepo points a payload at the test's repository.
func inTestRepo(m map[string]any) {
	set(m, "repository.name", "Hello-World")
	set(m, "repository.full_name", testRepo)
	set(m, "repository.owner.login", "Codertocat")
}

// set assigns a dotted path in a decoded payload.
func set(m map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
}

// Release PR fixtures.
const (
	headA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
	headB = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"
	prNum = 2
)

func (h *harness) openPR(t testing.TB, action string, extra func(m map[string]any)) []byte {
	h.fake.AddPull(testRepo, &githubfake.Pull{Number: prNum, Title: "Release 1.0", Author: "Codertocat", HeadRef: "release/1.0", BaseRef: "main", HeadSHA: headA})
	return payload(t, "pull_request/"+action+".json", func(m map[string]any) {
		set(m, "pull_request.number", prNum)
		set(m, "number", prNum)
		set(m, "pull_request.head.ref", "release/1.0")
		set(m, "pull_request.head.sha", headA)
		set(m, "pull_request.base.ref", "main")
		set(m, "pull_request.title", "Release 1.0")
		set(m, "pull_request.created_at", "2026-11-20T09:00:00Z")
		inTestRepo(m) // edited.json is another repository's
		if extra != nil {
			extra(m)
		}
	})
}

// checkRun records a CI check run in the fake and returns the real
// check_run.completed payload that reports it.
func (h *harness) checkRun(t testing.TB, name, sha, conclusion string) []byte {
	c := h.fake.AddCheckRun(testRepo, name, sha, "completed", conclusion)
	return payload(t, "check_run/completed.json", func(m map[string]any) {
		set(m, "check_run.id", c.ID)
		set(m, "check_run.name", name)
		set(m, "check_run.head_sha", sha)
		set(m, "check_run.conclusion", conclusion)
		set(m, "check_run.html_url", c.HTMLURL)
		set(m, "check_run.completed_at", c.CompletedAt.Format(time.RFC3339))
		prs := m["check_run"].(map[string]any)["pull_requests"].([]any)
		set(prs[0].(map[string]any), "number", prNum)
	})
}

func (h *harness) deploy(t testing.TB, env, sha, state string) []byte {
	d := h.fake.AddDeployment(testRepo, env, sha, "release/1.0", state)
	return payload(t, "deployment_status/created.json", func(m map[string]any) {
		set(m, "deployment.id", d.ID)
		set(m, "deployment.sha", sha)
		set(m, "deployment.ref", d.Ref)
		set(m, "deployment.environment", env)
		set(m, "deployment_status.id", d.Statuses[0].ID)
		set(m, "deployment_status.state", state)
		set(m, "deployment_status.environment", env)
		set(m, "deployment_status.created_at", d.Statuses[0].At.Format(time.RFC3339))
		set(m, "deployment_status.creator.login", "deployer")
		set(m, "deployment_status.log_url", "")
		set(m, "deployment_status.target_url", "")
	})
}

// tick ticks (or unticks) an item's box in the tracking issue as user and
// returns the issues.edited payload GitHub would send.
func (h *harness) tick(t testing.TB, user, id string, on bool) []byte {
	var before, after string
	var number int
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		is := repos[testRepo].Issues[0]
		before, number = is.Body, is.Number
		from, to := "- [ ] ", "- [x] "
		if !on {
			from, to = to, from
		}
		is.Body = strings.Replace(is.Body, from+release.ItemMarker(id), to+release.ItemMarker(id), 1)
		after = is.Body
	})
	if before == after {
		t.Fatalf("no box of %s to change", id)
	}
	return payload(t, "issues/edited.checkbox-ticked.json", func(m map[string]any) {
		set(m, "issue.number", number)
		set(m, "issue.body", after)
		set(m, "changes.body.from", before)
		set(m, "sender.login", user)
		set(m, "sender.type", "User")
		inTestRepo(m)
	})
}

// comment posts a comment as user, on the PR (onPR) or on the tracking
// issue, and returns the real issue_comment.created payload for it.
func (h *harness) comment(t testing.TB, user, body string, onPR bool) []byte {
	return h.commentAt(t, user, body, onPR, time.Now())
}

// commentAt is comment, made at a given time.
func (h *harness) commentAt(t testing.TB, user, body string, onPR bool, at time.Time) []byte {
	id := 500000 + h.nextID.Add(1)
	target := prNum
	issueBody := ""
	if !onPR {
		is := h.issue(t)
		target, issueBody = is.Number, is.Body
	}
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		r := repos[testRepo]
		r.Comments = append(r.Comments, &githubfake.Comment{ID: id, Issue: target, Body: body, Author: user})
	})
	return payload(t, "issue_comment/created.json", func(m map[string]any) {
		set(m, "comment.id", id)
		set(m, "comment.body", body)
		set(m, "comment.created_at", at.UTC().Format(time.RFC3339))
		set(m, "comment.user.login", user)
		set(m, "comment.html_url", fmt.Sprintf("https://github.com/%s/issues/%d#issuecomment-%d", testRepo, target, id))
		set(m, "sender.login", user)
		set(m, "sender.type", "User")
		set(m, "issue.number", target)
		set(m, "issue.body", issueBody)
		if onPR {
			set(m, "issue.pull_request", map[string]any{"url": fmt.Sprintf("https://api.github.com/repos/%s/pulls/%d", testRepo, prNum)})
		}
	})
}

const groupHead = "9c0ffee0000000000000000000000000000000aa"

// mergeGroup is the real merge_group.checks_requested payload for a
// group whose queue branch names pr.
func (h *harness) mergeGroup(t testing.TB, pr int) []byte {
	return payload(t, "merge_group/checks_requested.json", func(m map[string]any) {
		set(m, "merge_group.head_sha", groupHead)
		set(m, "merge_group.head_ref", fmt.Sprintf("refs/heads/gh-readonly-queue/main/pr-%d-%s", pr, headA))
		inTestRepo(m)
	})
}

// deployGate is the real deployment_protection_rule.requested payload for
// a deployment of sha to env, waiting in workflow run 777.
func (h *harness) deployGate(t testing.TB, env, sha string) []byte {
	return payload(t, "deployment_protection_rule/requested.json", func(m map[string]any) {
		set(m, "environment", env)
		set(m, "deployment.sha", sha)
		ref := "main" // a commit of no release
		if sha == headA || sha == headB {
			ref = "release/1.0"
		}
		set(m, "deployment.ref", ref)
		set(m, "deployment.environment", env)
		set(m, "deployment_callback_url", "https://api.github.com/repos/Codertocat/Hello-World/actions/runs/777/deployment_protection_rule")
		m["pull_requests"] = []any{}
		inTestRepo(m)
	})
}
