package release

import (
	"fmt"
	"strings"

	"github.com/ag06mixer/golive/internal/checklist"
)

// CheckName is the check run golive reports; branch protection requires it.
const CheckName = "golive/readiness"

// IssueLabel marks tracking issues.
const IssueLabel = "golive:release"

// CheckRun is the check run golive wants on a commit.
type CheckRun struct {
	SHA        string          `json:"sha"`
	Status     string          `json:"status"`
	Conclusion string          `json:"conclusion,omitempty"`
	Title      string          `json:"title"`
	Summary    string          `json:"summary"`
	DetailsURL string          `json:"details_url,omitempty"`
	Problems   []ConfigProblem `json:"problems,omitempty"`
}

// Digest identifies what the check run shows, so an unchanged verdict
// costs no write.
func (c CheckRun) Digest() string {
	return fmt.Sprintf("%s|%s|%s|%s|%d|%s", c.SHA, c.Status, c.Conclusion, c.Title, len(c.Problems), c.Summary)
}

// CheckRunFor builds the check run of a release from its report. A
// release with missing items fails rather than stays in progress: GitHub
// marks incomplete check runs stale after 14 days, and a stale required
// check confuses reviewers.
func CheckRunFor(cfg *checklist.Config, s *State, rep Report, issueURL string) CheckRun {
	c := CheckRun{SHA: s.HeadSHA, Status: "completed", Title: rep.Title, Problems: s.ConfigProblems}
	if rep.Ready {
		c.Conclusion = "success"
	} else {
		c.Conclusion = "failure"
	}
	var b strings.Builder
	if issueURL != "" {
		fmt.Fprintf(&b, "Tracking issue: %s\n\n", issueURL)
	}
	if s.Hold != nil {
		fmt.Fprintf(&b, "**On hold** by %s: %s\n\n", s.Hold.By, oneLine(s.Hold.Reason, 200))
	}
	if len(rep.Missing) > 0 {
		fmt.Fprintf(&b, "%d of %d items of this phase are done. Missing:\n", rep.Done, rep.Total)
		var sec *checklist.Section
		shown := 0
		for _, m := range rep.Missing {
			if shown == 60 {
				fmt.Fprintf(&b, "\n… and %d more, in the tracking issue.\n", len(rep.Missing)-shown)
				break
			}
			if m.Section != sec {
				sec = m.Section
				fmt.Fprintf(&b, "\n**%s**\n", sec.Title)
			}
			note := ""
			if m.Note != "" {
				note = " — " + m.Note
			}
			fmt.Fprintf(&b, "- %s%s\n", m.Item.Title, note)
			shown++
		}
	} else if rep.Ready {
		fmt.Fprintf(&b, "All %d required items of this phase are done.\n", rep.Total)
	}
	c.Summary = b.String()
	return c
}
