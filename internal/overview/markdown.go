package overview

import (
	"fmt"
	"strings"
	"time"
)

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
	fmt.Fprintf(&b, "# Release record: %s#%d — %s\n\n", r.Repo, r.PR, oneLine(r.Title))
	fmt.Fprintf(&b, "- Verdict: **%s** (%d of %d items)\n", oneLine(r.Verdict.Title), r.Verdict.Done, r.Verdict.Total)
	fmt.Fprintf(&b, "- Phase: %s; status: %s\n", r.Phase, r.Status)
	fmt.Fprintf(&b, "- Pull request: %s by @%s, `%s` → `%s` at `%s`\n", link(fmt.Sprintf("#%d", r.PR), r.URL), r.Author, r.HeadRef, r.BaseRef, Short(r.HeadSHA))
	if r.IssueURL != "" {
		fmt.Fprintf(&b, "- Tracking issue: %s\n", r.IssueURL)
	}
	fmt.Fprintf(&b, "- Opened: %s", ts(r.OpenedAt))
	if !r.MergedAt.IsZero() {
		fmt.Fprintf(&b, "; merged: %s", ts(r.MergedAt))
	}
	fmt.Fprintf(&b, "\n- Recorded: %s\n", ts(r.At))
	if r.Hold != nil {
		fmt.Fprintf(&b, "- **On hold** by @%s since %s: %s\n", r.Hold.By, ts(r.Hold.At), oneLine(r.Hold.Reason))
	}
	for _, p := range r.ConfigProblems {
		fmt.Fprintf(&b, "- Config problem: %s:%d: %s\n", p.Path, p.Line, oneLine(p.Message))
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
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", oneLine(x.Title), oneLine(x.Section), StateLabel(x.State), oneLine(x.WaitsFor), ts(x.Since))
		}
	}
	b.WriteString("\n## Sign-offs\n\n| Role | Signed by | At | Commit | Status |\n|---|---|---|---|---|\n")
	for _, s := range r.Ledger {
		status := "active"
		if !s.Active() {
			status = "voided " + ts(s.VoidedAt) + ": " + oneLine(s.VoidReason)
		}
		fmt.Fprintf(&b, "| %s | @%s | %s | `%s` | %s |\n", s.Role, s.By, link(ts(s.At), s.URL), Short(s.SHA), status)
	}
	for _, s := range r.MissingSignoffs() {
		fmt.Fprintf(&b, "| %s | — | — | — | missing; may be given by %s |\n", s.Role, oneLine(strings.Join(s.MayGive, ", ")))
	}
	if len(r.Waivers) > 0 {
		b.WriteString("\n## Waivers\n\n| Item | By | At | Reason | Expires | Active |\n|---|---|---|---|---|---|\n")
		for _, w := range r.Waivers {
			fmt.Fprintf(&b, "| %s | @%s | %s | %s | %s | %t |\n", oneLine(w.ItemTitle), w.By, link(ts(w.At), w.URL), oneLine(w.Reason), ts(w.Expires), w.Active)
		}
	}
	b.WriteString("\n## Items\n\n| Item | Section | Phase | Required | State | Evidence |\n|---|---|---|---|---|---|\n")
	for _, it := range r.Items {
		ev := oneLine(it.Note)
		if it.Evidence != nil {
			ev = oneLine(it.Evidence.Summary)
			if it.Evidence.Actor != "" {
				ev += " by @" + it.Evidence.Actor
			}
			if !it.Evidence.At.IsZero() {
				ev += ", " + ts(it.Evidence.At)
			}
			if it.Evidence.SHA != "" {
				ev += ", `" + Short(it.Evidence.SHA) + "`"
			}
			ev = link(ev, it.Evidence.URL)
		}
		fmt.Fprintf(&b, "| %s%s | %s | %s | %t | %s | %s |\n", strings.Repeat("↳ ", it.Depth), oneLine(it.Title), oneLine(it.Section), it.Phase.Title(), it.Required, StateLabel(it.State), ev)
	}
	if len(r.Probes) > 0 {
		b.WriteString("\n## Probes\n\n| Item | Probe | Last run | Recent runs ok | p95 |\n|---|---|---|---|---|\n")
		for _, p := range r.Probes {
			last := "never"
			if !p.Last.At.IsZero() {
				last = fmt.Sprintf("%s %s (%s)", map[bool]string{true: "ok", false: "failed"}[p.Last.OK], ts(p.Last.At), oneLine(p.Last.Detail))
			}
			fmt.Fprintf(&b, "| %s | %s %s | %s | %d/%d | %s |\n", oneLine(p.Title), p.Kind, oneLine(p.Target), last, p.OK, p.Runs, p.P95.Round(time.Millisecond))
		}
	}
	if len(r.Audit) > 0 {
		b.WriteString("\n## Audit trail\n\n| At | Actor | Action | Detail |\n|---|---|---|---|\n")
		for _, a := range r.Audit {
			actor := "golive"
			if a.Actor != "" {
				actor = "@" + a.Actor
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", ts(a.At), actor, oneLine(a.Action), oneLine(a.Detail))
		}
	}
	return b.String()
}

func link(text, url string) string {
	if url == "" {
		return text
	}
	return "[" + text + "](" + url + ")"
}
