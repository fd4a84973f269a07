// Package render turns a release into the Markdown golive writes to
// GitHub: the tracking issue body, the PR comment and the check run
// output, and reads hand ticks back out of an edited issue body.
//
// It is pure: the moment to render for comes in as an argument.
package render

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/mdtext"
	"github.com/ag06mixer/golive/internal/release"
)

// MaxBody is GitHub's limit on an issue body, in characters.
const MaxBody = 65536

// Marker is the hidden line naming the release a tracking issue belongs
// to. golive searches for it before it creates an issue, so a lost Redis
// never leads to a second one.
func Marker(k release.Key) string {
	return fmt.Sprintf("<!-- golive:release %s -->", k)
}

var markerRE = regexp.MustCompile(`<!-- golive:release ([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)#(\d+) -->`)

// ParseMarker finds the release a body belongs to.
func ParseMarker(body string) (release.Key, bool) {
	m := markerRE.FindStringSubmatch(body)
	if m == nil {
		return release.Key{}, false
	}
	var n int
	fmt.Sscanf(m[3], "%d", &n)
	return release.Key{Owner: m[1], Repo: m[2], PR: n}, true
}

// detail is how much evidence the body carries; lower levels are tried
// when the body would pass GitHub's limit.
type detail int

const (
	detailFull    detail = iota // summary, who, when, commit, link
	detailNoLinks               // summary, who, when, commit
	detailTerse                 // who and commit only
	detailNone                  // no evidence at all
)

// Issue renders the tracking issue body. It always fits in MaxBody:
// evidence is abbreviated first, and only then are lines cut.
func Issue(cfg *checklist.Config, s *release.State, now time.Time) string {
	return issueWithin(cfg, s, release.Evaluate(cfg, s, now), MaxBody, "")
}

// issueWithin renders the body from rep, the release's evaluation at the
// moment of the render, within max characters; page is the release's
// page on the dashboard ("" when there is none).
func issueWithin(cfg *checklist.Config, s *release.State, rep release.Report, max int, page string) string {
	for d := detailFull; d <= detailNone; d++ {
		if body := issueBody(cfg, s, rep, d, page); len(body) <= max {
			return body
		}
	}
	return cut(issueBody(cfg, s, rep, detailNone, page), s.Key, max)
}

func cut(body string, k release.Key, max int) string {
	tail := "\n\n… the checklist is too long for one issue; the rest is on the dashboard.\n" + Marker(k) + "\n"
	limit := min(max-len(tail), len(body))
	if limit <= 0 {
		if max <= 0 {
			return ""
		}
		return tail[:min(len(tail), max)]
	}
	if i := strings.LastIndexByte(body[:limit], '\n'); i > 0 {
		limit = i
	}
	// A cut inside a folded section closes it, so what follows renders.
	if strings.Count(body[:limit], "<details>") > strings.Count(body[:limit], "</details>") {
		const closing = "\n\n</details>"
		if l := limit - len(closing); l > 0 {
			if i := strings.LastIndexByte(body[:l], '\n'); i > 0 {
				limit = i
			}
		}
		return body[:limit] + closing + tail
	}
	return body[:limit] + tail
}

// lineGuess is about what one item line takes, so the body's builder
// is sized once.
const lineGuess = 160

func issueBody(cfg *checklist.Config, s *release.State, rep release.Report, d detail, page string) string {
	var b strings.Builder
	b.Grow(1024 + lineGuess*len(rep.Items))
	b.WriteString(Marker(s.Key) + "\n")
	fmt.Fprintf(&b, "## Release readiness: %s\n\n", escape(orDefault(s.Title, s.Key.String())))
	status, title := "🔴", rep.Title
	switch {
	case rep.Ready:
		status = "🟢"
	case rep.Watching:
		// Merged: nothing is blocked any more; the windows are watched.
		status = "👀"
	}
	fmt.Fprintf(&b, "%s **%s**  \n", status, escape(title))
	fmt.Fprintf(&b, "Pull request %s · head %s · %s\n\n", escape(s.Key.String()), mdtext.Code(short(s.HeadSHA), 0), phaseLine(s))
	fmt.Fprintf(&b, "Progress: **%d / %d** items of this phase %s\n\n", rep.Done, rep.Total, bar(rep.Done, rep.Total))
	if rep.Hold != nil {
		fmt.Fprintf(&b, "> [!WARNING]\n> On hold by %s: %s. `/unhold` lifts it.\n\n", escape(rep.Hold.By), escape(rep.Hold.Reason))
	}
	writeFreezes(&b, rep)
	if len(s.ConfigProblems) > 0 {
		b.WriteString("> [!CAUTION]\n> `.github/golive.yml` on the default branch is invalid:\n")
		for _, p := range s.ConfigProblems {
			fmt.Fprintf(&b, "> - %s: %s\n", mdtext.Code(fmt.Sprintf("%s:%d:%d", p.Path, p.Line, p.Col), maxText), inline(p.Message))
		}
		b.WriteString("\n")
	}
	b.WriteString("Boxes tick from checks, deployments, probes and sign-offs; tick a hand-checked one if you may, or comment `/golive help`.")
	if page != "" {
		b.WriteString(" Who ticked what, when and on which commit: [the dashboard](")
		b.WriteString(page)
		b.WriteString(").")
	}
	b.WriteString("\n\n")

	var sec *checklist.Section
	var grp *checklist.Group
	folded, ticker := false, ""
	for i, ir := range rep.Items {
		if ir.Section != sec {
			sec = ir.Section
			folded, ticker = writeSection(&b, sec, rep.Items[i:], d)
			grp = nil
		}
		if ir.Group != grp {
			grp = ir.Group
			b.WriteString("\n**")
			b.WriteString(escape(grp.Title))
			if ir.Phase != checklist.PhasePreMerge {
				b.WriteString(" · _")
				b.WriteString(windowNote(s, ir.Phase))
				b.WriteString("_")
			}
			b.WriteString("**\n")
		}
		writeItem(&b, ir, d, page, ticker)
		if i == len(rep.Items)-1 || rep.Items[i+1].Section != sec {
			b.WriteString("\n")
			if folded {
				b.WriteString("</details>\n\n")
			}
		}
	}
	b.WriteString(signoffTable(cfg, s, d))
	return b.String()
}

func signoffTable(cfg *checklist.Config, s *release.State, d detail) string {
	if len(cfg.Roles) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("### Production Go-Live Authorization\n\n| Sign-off | By | Commit |\n|---|---|---|\n")
	for _, r := range cfg.Roles {
		so, ok := release.ActiveSignoff(s, r.ID)
		if !ok {
			fmt.Fprintf(&b, "| %s | _`/approve %s`_ | |\n", escape(r.Title), r.ID)
			continue
		}
		// Logins are written without "@": an edit of the issue would
		// otherwise notify everyone named in it, every time.
		who := escape(so.By)
		if d == detailFull {
			who = link(who, so.URL)
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", escape(r.Title), who, mdtext.Code(short(so.SHA), 0))
	}
	var voided []release.Signoff
	for _, so := range s.Signoffs {
		if !so.Active() {
			voided = append(voided, so)
		}
	}
	if len(voided) > 0 && d < detailNone {
		b.WriteString("\n<details><summary>Voided sign-offs</summary>\n\n")
		for _, so := range voided {
			fmt.Fprintf(&b, "- ~~%s by %s on %s~~: %s\n", escape(roleTitleOf(cfg, so.Role)), escape(so.By), mdtext.Code(short(so.SHA), 0), inline(so.VoidReason))
		}
		b.WriteString("\n</details>\n\n")
	}
	return b.String()
}

func roleTitleOf(cfg *checklist.Config, id string) string {
	if r, ok := cfg.Role(id); ok {
		return r.Title
	}
	return id
}

func phaseLine(s *release.State) string {
	switch s.Status {
	case release.StatusMerged:
		return "merged " + s.MergedAt.UTC().Format("2006-01-02 15:04 UTC") + ", post-go-live monitoring"
	case release.StatusClosed:
		return "closed without merge"
	}
	return "before merge"
}

func windowNote(s *release.State, p checklist.Phase) string {
	if s.Status != release.StatusMerged {
		return "starts at the merge"
	}
	return "until " + s.MergedAt.Add(p.Window()).UTC().Format("2006-01-02 15:04 UTC")
}

func bar(done, total int) string {
	if total == 0 {
		return ""
	}
	const width = 20
	n := done * width / total
	return "`" + strings.Repeat("█", n) + strings.Repeat("░", width-n) + "`"
}

func short(sha string) string {
	if sha == "" {
		return "—"
	}
	return release.Short(sha)
}

func orDefault(s, d string) string {
	if strings.TrimSpace(s) == "" {
		return d
	}
	return s
}

// maxText bounds one piece of text from GitHub or people in the body.
const maxText = 300

// escape neutralises text from users, config and GitHub before it goes
// into Markdown: one line, no HTML, links, mentions or markers.
func escape(s string) string { return mdtext.Text(s, maxText) }

// inline escapes golive's own notes, whose `code` spans name things
// from GitHub.
func inline(s string) string { return mdtext.Inline(s, maxText) }

// link is text linked to target only when target is a safe https URL.
func link(text, target string) string {
	if u, ok := mdtext.URL(target); ok {
		return "[" + text + "](" + u + ")"
	}
	return text
}
