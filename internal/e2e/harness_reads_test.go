package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/release"
)

func (h *harness) issues() []githubfake.Issue {
	var out []githubfake.Issue
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, is := range repos[testRepo].Issues {
			out = append(out, *is)
		}
	})
	return out
}

func (h *harness) issue(t testing.TB) githubfake.Issue {
	t.Helper()
	is := h.issues()
	if len(is) != 1 {
		t.Fatalf("got %d tracking issues, want 1", len(is))
	}
	return is[0]
}

func (h *harness) readiness(sha string) []githubfake.CheckRun {
	var out []githubfake.CheckRun
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, c := range repos[testRepo].CheckRuns {
			if c.Name == release.CheckName && (sha == "" || c.HeadSHA == sha) {
				out = append(out, *c)
			}
		}
	})
	return out
}

func (h *harness) comments(issue int) []githubfake.Comment {
	var out []githubfake.Comment
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, c := range repos[testRepo].Comments {
			if c.Issue == issue {
				out = append(out, *c)
			}
		}
	})
	return out
}

func ticked(t testing.TB, body, id string) bool {
	t.Helper()
	v, ok := release.Ticks(body)[id]
	if !ok {
		t.Fatalf("item %s not in the issue", id)
	}
	return v
}

// reactions lists the reactions golive gave a comment.
func (h *harness) reactions(t testing.TB, body []byte) []string {
	var m struct {
		Comment struct {
			ID int64 `json:"id"`
		} `json:"comment"`
	}
	json.Unmarshal(body, &m)
	var out []string
	h.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, r := range repos[testRepo].Reactions {
			if r.CommentID == m.Comment.ID {
				out = append(out, r.Content)
			}
		}
	})
	return out
}

// replies lists golive's comments (not the test's) on issue or PR n.
func (h *harness) replies(n int) []string {
	var out []string
	for _, c := range h.comments(n) {
		if c.Author == "golive[bot]" && !strings.Contains(c.Body, "golive:comment") {
			out = append(out, c.Body)
		}
	}
	return out
}

func (h *harness) gateReviews() []githubfake.GateReview {
	var out []githubfake.GateReview
	h.fake.Do(func(repos map[string]*githubfake.Repo) { out = append(out, repos[testRepo].GateReviews...) })
	return out
}
