package release

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/mdtext"
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
	c := CheckRun{SHA: s.HeadSHA, Status: "completed", Title: mdtext.OneLine(rep.Title, 200), Problems: s.ConfigProblems}
	if rep.Ready {
		c.Conclusion = "success"
	} else {
		c.Conclusion = "failure"
	}
	var b strings.Builder
	b.Grow(256 + 96*min(len(rep.Missing), 61))
	// The issue's URL is GitHub's own html_url (plain http only on a
	// GitHub Enterprise Server or test host); it still must parse clean.
	if u, ok := mdtext.URL(issueURL, issueHost(issueURL)); ok {
		fmt.Fprintf(&b, "Tracking issue: %s\n\n", u)
	}
	if s.Hold != nil {
		fmt.Fprintf(&b, "**On hold** by %s: %s\n\n", mdtext.Text(s.Hold.By, 100), mdtext.Text(s.Hold.Reason, 200))
	}
	for _, f := range rep.Frozen {
		fmt.Fprintf(&b, "**Frozen**: %s. Lift it for this release: `/waive freeze REASON`.\n\n", mdtext.Inline(f.Describe(), 300))
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
				b.WriteString("\n**")
				b.WriteString(mdtext.Text(sec.Title, 200))
				b.WriteString("**\n")
			}
			b.WriteString("- ")
			b.WriteString(mdtext.Text(m.Item.Title, 200))
			if m.Note != "" {
				b.WriteString(" — ")
				b.WriteString(mdtext.Inline(m.Note, 300))
			}
			b.WriteByte('\n')
			shown++
		}
	} else if rep.Ready {
		fmt.Fprintf(&b, "All %d required items of this phase are done.\n", rep.Total)
	}
	c.Summary = capSummary(b.String())
	return c
}

// MaxSummary is GitHub's limit on a check run's output summary (and text).
const MaxSummary = 65535

// capSummary cuts a summary at a line below MaxSummary, saying so.
func capSummary(s string) string {
	if len(s) <= MaxSummary {
		return s
	}
	const tail = "\n… cut; the rest is in the tracking issue.\n"
	s = s[:MaxSummary-len(tail)]
	if i := strings.LastIndexByte(s, '\n'); i > 0 {
		s = s[:i]
	}
	return s + tail
}

func issueHost(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Hostname()
	}
	return ""
}
