package render

import (
	"strconv"
	"strings"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/mdtext"
	"github.com/ag06mixer/golive/internal/release"
)

// ItemAnchor is the fragment of an item on the dashboard's release page:
// a done item's short line links there for its evidence.
func ItemAnchor(id string) string { return "item-" + id }

// ReleasePage is the dashboard's page of release k under base, golive's
// public URL; "" when base is not a safe https URL.
func ReleasePage(base string, k release.Key) string {
	if base == "" {
		return ""
	}
	u, ok := mdtext.URL(strings.TrimSuffix(base, "/") + "/releases/" + k.Owner + "/" + k.Repo + "/" + strconv.Itoa(k.PR))
	if !ok {
		return ""
	}
	return u
}

// writeSection writes a section's heading. A complete section (every
// required item done or waived), and one whose window has not started,
// folds into <details>: GitHub renders the Markdown inside, boxes
// included, after the blank line that follows the summary. The heading
// names who ticked most of its hand items (ticker): their lines then say
// nothing more, and only the others' say by whom.
func writeSection(b *strings.Builder, sec *checklist.Section, items []release.ItemReport, d detail) (folded bool, ticker string) {
	done, waived, later, total, open := 0, 0, 0, 0, 0 // open: required and not satisfied
	for _, ir := range items {
		if ir.Section != sec {
			break
		}
		total++
		switch {
		case ir.State == release.ItemDone:
			done++
		case ir.State == release.ItemWaived:
			waived++
		case ir.State == release.ItemLater:
			later++
		}
		if !ir.State.Satisfied() && ir.Item.IsRequired() {
			open++
		}
	}
	if d <= detailNoLinks {
		ticker = mostTicks(sec, items)
	}
	title := titleMemo.of(sec.Title)
	switch {
	case open == 0 && later < total:
		b.WriteString("<details><summary>✅ ")
		b.WriteString(mdtext.HTML(sec.Title, maxText))
		b.WriteString(" — ")
		b.WriteString(strconv.Itoa(done + waived))
		b.WriteByte('/')
		b.WriteString(strconv.Itoa(total))
		if waived > 0 {
			b.WriteString(", ")
			b.WriteString(strconv.Itoa(waived))
			b.WriteString(" waived")
		}
		if n := total - done - waived; n > 0 {
			b.WriteString(", ")
			b.WriteString(strconv.Itoa(n))
			b.WriteString(" optional open")
		}
		if ticker != "" {
			b.WriteString(" · by ")
			b.WriteString(mdtext.HTML(ticker, maxText))
			b.WriteString(" unless noted")
		}
		b.WriteString("</summary>\n")
		return true, ticker
	case later == total:
		b.WriteString("<details><summary>🕒 ")
		b.WriteString(mdtext.HTML(sec.Title, maxText))
		b.WriteString(" — ")
		b.WriteString(strconv.Itoa(total))
		b.WriteString(" items; they start at the merge</summary>\n")
		return true, ""
	}
	b.WriteString("### ")
	b.WriteString(title)
	b.WriteString(" (")
	b.WriteString(strconv.Itoa(done + waived))
	b.WriteByte('/')
	b.WriteString(strconv.Itoa(total))
	b.WriteString(")")
	if ticker != "" {
		b.WriteString(" · by ")
		b.WriteString(escape(ticker))
		b.WriteString(" unless noted")
	}
	b.WriteString("\n")
	return false, ticker
}

// mostTicks is the login with the most hand ticks among the done items of
// sec at the start of items, when they are at least two ("" otherwise);
// of two with as many, the first in order of logins.
func mostTicks(sec *checklist.Section, items []release.ItemReport) string {
	type count struct {
		login string
		n     int
	}
	var counts []count
	for _, ir := range items {
		if ir.Section != sec {
			break
		}
		if ir.State != release.ItemDone || ir.Evidence == nil || ir.Evidence.Source != checklist.SourceManual || ir.Evidence.Actor == "" {
			continue
		}
		i := 0
		for i < len(counts) && counts[i].login != ir.Evidence.Actor {
			i++
		}
		if i == len(counts) {
			counts = append(counts, count{login: ir.Evidence.Actor})
		}
		counts[i].n++
	}
	best := count{}
	for _, c := range counts {
		if c.n > best.n || (c.n == best.n && c.login < best.login) {
			best = c
		}
	}
	if best.n < 2 {
		return ""
	}
	return best.login
}

// writeItem writes one item's line: its box, its hidden marker, its title
// and one short word on its state. A done item says only how ("✓ by
// adam", "✓ check run `unit`"); who, when, which commit and the link are
// on the dashboard, which page links to when one is set.
func writeItem(b *strings.Builder, ir release.ItemReport, d detail, page, ticker string) {
	for range ir.Depth {
		b.WriteString("  ")
	}
	if ir.State.Satisfied() {
		b.WriteString("- [x] ")
	} else {
		b.WriteString("- [ ] ")
	}
	b.WriteString("<!-- golive:item ") // release.ItemMarker
	b.WriteString(ir.Item.ID)
	b.WriteString(" --> ")
	b.WriteString(titleMemo.of(ir.Item.Title))
	if !ir.Item.IsRequired() && !strings.Contains(ir.Item.Title, "(optional)") {
		b.WriteString(" _(optional)_")
	}
	switch {
	case ir.State == release.ItemWaived && d < detailNone:
		b.WriteString(" — ➖ ")
		writeWaived(b, ir.Evidence, d)
	case ir.State == release.ItemDone && d < detailNone:
		writeDone(b, ir, d, page, ticker)
	case ir.State == release.ItemFailing && d < detailTerse:
		b.WriteString(" — ❌ ")
		b.WriteString(noteMemo.of(ir.Note))
	case ir.State == release.ItemPending && ir.Item.Evidence != nil && ir.Item.Evidence.Unconfigured != "" && d < detailTerse:
		b.WriteString(" — ⚙️ ")
		b.WriteString(inline(ir.Item.Evidence.Unconfigured))
	case ir.State == release.ItemPending && ir.Item.Source() != checklist.SourceManual && d < detailTerse:
		b.WriteString(" — ⏳ ")
		b.WriteString(noteMemo.of(ir.Note))
	}
	b.WriteByte('\n')
}

// writeDone writes "✓ how by who": how is the evidence's summary up to
// its detail (a probe's "http probe", not its latency), and is left out
// for a hand tick, whose who says it all. At full detail it links to the
// item on the dashboard's release page, where its evidence is; without a
// dashboard the line stays short (the check run on the PR, the comment and
// the deployment show the rest on GitHub).
func writeDone(b *strings.Builder, ir release.ItemReport, d detail, page, ticker string) {
	e := ir.Evidence
	linked := d == detailFull && page != ""
	byTicker := e != nil && e.Source == checklist.SourceManual && ticker != "" && e.Actor == ticker
	if byTicker && !linked {
		return // the section's heading says who
	}
	b.WriteString(" — ")
	var s strings.Builder
	s.WriteString("✓")
	if e != nil && e.Source != checklist.SourceManual && d <= detailNoLinks {
		s.WriteByte(' ')
		s.WriteString(inline(shortSummary(e.Summary)))
	}
	if e != nil && e.Actor != "" && !byTicker {
		s.WriteString(" by ")
		s.WriteString(escape(e.Actor))
	}
	if linked {
		b.WriteString(link(s.String(), page+"#"+ItemAnchor(ir.Item.ID)))
		return
	}
	b.WriteString(s.String())
}

// shortSummary is an evidence summary without its detail: what comes
// after ": " (a probe's status and latency, a metric's value), the
// " succeeded" every passing check says and the kind of a single check
// ("check run `unit` succeeded" is "`unit`").
func shortSummary(s string) string {
	// A metric's value and a certificate's issuer and expiry are the
	// measure itself, so they stay on the line; other detail goes to the
	// dashboard.
	if strings.HasPrefix(s, "metric") || strings.HasPrefix(s, "tls") {
		return s
	}
	if i := strings.Index(s, ": "); i > 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(s, " succeeded")
	for _, kind := range []string{"check run `", "status `"} {
		if strings.HasPrefix(s, kind) {
			return s[len(kind)-1:]
		}
	}
	return s
}

// writeWaived writes "waived by who: why (until when)", a waiver's own
// look: the box is ticked, since the waiver satisfies the item, but it
// says waived, not done.
func writeWaived(b *strings.Builder, e *release.Evidence, d detail) {
	b.WriteString("waived")
	if e == nil {
		return
	}
	if e.Actor != "" {
		b.WriteString(" by ")
		b.WriteString(escape(e.Actor))
	}
	if d <= detailNoLinks {
		if why := strings.TrimPrefix(e.Summary, "waived: "); why != "" {
			b.WriteString(": ")
			b.WriteString(escape(why))
		}
	}
}
