package tracker

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/mdtext"
	"github.com/ag06mixer/golive/internal/receipt"
	"github.com/ag06mixer/golive/internal/release"
)

// configPRInput is what a config PR's check reports.
type configPRInput struct {
	Head string
	// Deleted: the PR removes the file.
	Deleted bool
	// OrgProblems are the org file's, Problems the PR's file's.
	OrgProblems, Problems checklist.Problems
	// Simulated: receipts are on and the recorded releases were read;
	// Replays are theirs, newest first; Rejected counts the receipts on
	// the tracking issues that failed verification (never replayed).
	Simulated bool
	Replays   []receipt.Replay
	Rejected  int
}

// Caps on a config PR's check output, well inside GitHub's 65,535
// characters (the whole summary is cut at maxCheckSummary in the end).
const (
	maxListedProblems = 50
	maxListedChanges  = 10
	maxCheckSummary   = 60000
)

// configPRCheckRun builds the check run of a PR that changes the repo's
// config. Everything it quotes from the file (messages name ids and
// values) is escaped, so a hostile file can neither mention anyone nor
// break the Markdown. Pure.
func configPRCheckRun(in configPRInput) release.CheckRun {
	c := release.CheckRun{SHA: in.Head, Status: "completed", Conclusion: "success"}
	var b strings.Builder
	b.WriteString("This PR changes `.github/golive.yml`. The new file takes effect only once it is merged into the default branch; until then the file there judges releases.\n\n")
	if in.Deleted {
		b.WriteString("The PR deletes the file: once merged, the org's file and the built-in checklist judge releases.\n\n")
	}
	all := append(append(checklist.Problems{}, in.OrgProblems...), in.Problems...)
	if n := len(all); n > 0 {
		c.Conclusion = "failure"
		c.Title = fmt.Sprintf("Config change: %d problem%s", n, plural(n))
		b.WriteString("**Problems.** Merged as it is, this file would fail every release closed:\n\n")
		for i, p := range all {
			if i == maxListedProblems {
				fmt.Fprintf(&b, "- … and %d more\n", n-maxListedProblems)
				break
			}
			fmt.Fprintf(&b, "- %s: %s\n", mdtext.Code(fmt.Sprintf("%s:%d:%d", p.Pos.File, p.Pos.Line, p.Pos.Col), 300), mdtext.Text(p.Msg, 500))
		}
		for _, p := range in.Problems {
			c.Problems = append(c.Problems, release.ConfigProblem{Path: repoConfigPath, Line: p.Pos.Line, Col: p.Pos.Col, Message: mdtext.OneLine(p.Msg, 500)})
		}
		c.Summary = capSummary(b.String())
		return c
	}
	if !in.Simulated {
		c.Title = "Config change: valid"
		b.WriteString("The new file is valid. No simulation: decision receipts are off, so golive has no recorded releases to replay.\n")
		c.Summary = b.String()
		return c
	}
	line := receipt.Summary(in.Replays)
	c.Title = mdtext.OneLine("Config change: valid; "+line, 200)
	fmt.Fprintf(&b, "The new file is valid.\n\n**Simulation:** %s (replayed from their signed merge receipts on the tracking issues).\n", line)
	if in.Rejected > 0 {
		fmt.Fprintf(&b, "\n%d receipt%s on the tracking issues failed verification and %s not replayed.\n", in.Rejected, plural(in.Rejected), map[bool]string{true: "was", false: "were"}[in.Rejected == 1])
	}
	for _, rp := range in.Replays {
		if len(rp.Changes) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n- %s: %s → %s", mdtext.Text(rp.Release, 200), readyWord(rp.WasReady), readyWord(rp.NowReady))
		for i, ch := range rp.Changes {
			if i == maxListedChanges {
				fmt.Fprintf(&b, "; … %d more", len(rp.Changes)-maxListedChanges)
				break
			}
			fmt.Fprintf(&b, "; %s %s → %s", mdtext.Code(ch.Item, 100), verdictOr(ch.Was), verdictOr(ch.Now))
		}
	}
	c.Summary = capSummary(b.String())
	return c
}

// capSummary cuts s at maxCheckSummary bytes, on a rune boundary.
func capSummary(s string) string {
	if len(s) <= maxCheckSummary {
		return s
	}
	cut := maxCheckSummary
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "\n\n… (cut to fit GitHub's limit)"
}

func readyWord(ok bool) string {
	if ok {
		return "ready"
	}
	return "blocked"
}

func verdictOr(v string) string {
	if v == "" {
		return "(not in the config)"
	}
	return mdtext.Text(v, 50)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
