package overview

import (
	"fmt"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/mdtext"
)

// cell escapes text from GitHub or people for a table cell or a line.
func cell(s string) string { return mdtext.Cell(s, 300) }

// inlineCell is a golive note with code spans in a table cell: a pipe,
// in a code span too, is escaped so it cannot open a column.
func inlineCell(s string) string {
	r := strings.ReplaceAll(mdtext.Inline(s, 300), `\|`, "\x00")
	r = strings.ReplaceAll(r, "|", `\|`)
	return strings.ReplaceAll(r, "\x00", `\|`)
}

// Markdown writes the record for a change-management system: the verdict,
// what blocks it, every item with its evidence, the sign-off ledger, the
// waivers, the probes and the audit trail.
func Markdown(r *Release) string {
	var b strings.Builder
	ts := func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 MST")
	}
	fmt.Fprintf(&b, "# Release record: %s#%d — %s\n\n", r.Repo, r.PR, cell(r.Title))
	fmt.Fprintf(&b, "- Verdict: **%s** (%d of %d items)\n", cell(r.Verdict.Title), r.Verdict.Done, r.Verdict.Total)
	fmt.Fprintf(&b, "- Phase: %s; status: %s\n", r.Phase, r.Status)
	fmt.Fprintf(&b, "- Pull request: %s by %s, %s → %s at %s\n", link(fmt.Sprintf("#%d", r.PR), r.URL), at(r.Author), mdtext.Code(r.HeadRef, 200), mdtext.Code(r.BaseRef, 200), mdtext.Code(Short(r.HeadSHA), 0))
	if u, ok := mdtext.URL(r.IssueURL); ok {
		fmt.Fprintf(&b, "- Tracking issue: %s\n", u)
	}
	fmt.Fprintf(&b, "- Opened: %s", ts(r.OpenedAt))
	if !r.MergedAt.IsZero() {
		fmt.Fprintf(&b, "; merged: %s", ts(r.MergedAt))
	}
	fmt.Fprintf(&b, "\n- Recorded: %s\n", ts(r.At))
	if r.Hold != nil {
		fmt.Fprintf(&b, "- **On hold** by %s since %s: %s\n", at(r.Hold.By), ts(r.Hold.At), cell(r.Hold.Reason))
	}
	for _, p := range r.ConfigProblems {
		fmt.Fprintf(&b, "- Config problem: %s:%d: %s\n", p.Path, p.Line, cell(p.Message))
	}
	if len(r.Blockers) > 0 {
		b.WriteString("\n## Blockers\n\n")
		for i, c := range r.Tally {
			if i > 0 {
				b.WriteString(" · ")
			}
			fmt.Fprintf(&b, "%d %s", c.N, c.What)
		}
		b.WriteString("\n\n| Item | Section | State | Waits for | Since |\n|---|---|---|---|---|\n")
		for _, x := range r.Blockers {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", cell(x.Title), cell(x.Section), StateLabel(x.State), inlineCell(x.WaitsFor), ts(x.Since))
		}
	}
	b.WriteString("\n## Sign-offs\n\n| Role | Signed by | At | Commit | Status |\n|---|---|---|---|---|\n")
	for _, s := range r.Ledger {
		status := "active"
		if !s.Active() {
			status = "voided " + ts(s.VoidedAt) + ": " + cell(s.VoidReason)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", cell(s.Role), at(s.By), link(ts(s.At), s.URL), mdtext.Code(Short(s.SHA), 0), status)
	}
	for _, s := range r.MissingSignoffs() {
		fmt.Fprintf(&b, "| %s | — | — | — | missing; may be given by %s |\n", cell(s.Role), cell(strings.Join(s.MayGive, ", ")))
	}
	if len(r.Waivers) > 0 {
		b.WriteString("\n## Waivers\n\n| Item | By | At | Reason | Expires | Active |\n|---|---|---|---|---|---|\n")
		for _, w := range r.Waivers {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %t |\n", cell(w.ItemTitle), at(w.By), link(ts(w.At), w.URL), cell(w.Reason), ts(w.Expires), w.Active)
		}
	}
	b.WriteString("\n## Items\n\n| Item | Section | Phase | Required | State | Evidence |\n|---|---|---|---|---|---|\n")
	for _, it := range r.Items {
		ev := inlineCell(it.Note)
		if it.Evidence != nil {
			ev = inlineCell(it.Evidence.Summary)
			if it.Evidence.Actor != "" {
				ev += " by " + at(it.Evidence.Actor)
			}
			if !it.Evidence.At.IsZero() {
				ev += ", " + ts(it.Evidence.At)
			}
			if it.Evidence.SHA != "" {
				ev += ", " + mdtext.Code(Short(it.Evidence.SHA), 0)
			}
			ev = link(ev, it.Evidence.URL)
		}
		fmt.Fprintf(&b, "| %s%s | %s | %s | %t | %s | %s |\n", strings.Repeat("↳ ", it.Depth), cell(it.Title), cell(it.Section), it.Phase.Title(), it.Required, StateLabel(it.State), ev)
	}
	if len(r.Probes) > 0 {
		b.WriteString("\n## Probes\n\n| Item | Probe | Last run | Recent runs ok | p95 |\n|---|---|---|---|---|\n")
		for _, p := range r.Probes {
			last := "never"
			if !p.Last.At.IsZero() {
				last = fmt.Sprintf("%s %s (%s)", map[bool]string{true: "ok", false: "failed"}[p.Last.OK], ts(p.Last.At), cell(p.Last.Detail))
			}
			fmt.Fprintf(&b, "| %s | %s %s | %s | %d/%d | %s |\n", cell(p.Title), cell(p.Kind), cell(p.Target), last, p.OK, p.Runs, p.P95.Round(time.Millisecond))
		}
	}
	if len(r.Audit) > 0 {
		b.WriteString("\n## Audit trail\n\n| At | Actor | Action | Detail |\n|---|---|---|---|\n")
		for _, a := range r.Audit {
			actor := "golive"
			if a.Actor != "" {
				actor = at(a.Actor)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", ts(a.At), actor, cell(a.Action), cell(a.Detail))
		}
	}
	return b.String()
}

// link is text linked to target only when target is a safe https URL.
func link(text, target string) string {
	if u, ok := mdtext.URL(target); ok {
		return "[" + text + "](" + u + ")"
	}
	return text
}

// at is a login as text that mentions no one.
func at(login string) string { return mdtext.Text("@"+login, 100) }
