package overview

import (
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// UTC is how the record writes a moment: one clock for everyone (the
// dashboard shows the reader's local time on hover).
func UTC(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// why explains in one sentence why an item blocks the release or lets it
// through, from the same evaluation the gate uses: the verdict word comes
// from whether the evaluation counts the item as missing (it.Blocks), the
// reason from its evidence, waiver or note. Text keeps golive's `code`
// spans; the page and the export escape it.
func why(it Item, waivers map[string]release.Waiver, active checklist.Phase, now time.Time) string {
	switch it.State {
	case release.ItemWaived:
		w, ok := waivers[it.ID]
		if !ok {
			return "Allowed: waived."
		}
		s := "Allowed: waived by " + w.By + " at " + UTC(w.At) + ": " + w.Reason
		if !w.Expires.IsZero() {
			s += " (until " + UTC(w.Expires) + ")"
		}
		return s + "."
	case release.ItemDone:
		if it.Evidence == nil {
			return "Allowed: done."
		}
		return "Allowed: " + evidenceText(it.Evidence) + "."
	case release.ItemLater:
		return "Not judged yet: " + orDefault(it.Note, "it counts after the merge") + "."
	}
	reason := it.Note
	if it.State == release.ItemFailing && it.Evidence != nil {
		reason = evidenceText(it.Evidence)
	}
	reason = orDefault(reason, "no evidence yet")
	switch {
	case it.Blocks:
		return "Blocks the release: " + reason + "."
	case !it.Required:
		return "Does not block (optional): " + reason + "."
	case !release.CountsFor(it.Phase, active):
		return "Does not block now: it counts " + strings.ToLower(it.Phase.Title()) + "; " + reason + "."
	}
	return "Does not block now: " + reason + "."
}

// evidenceText is the evidence in words: what, by whom, on which commit,
// when.
func evidenceText(e *release.Evidence) string {
	s := orDefault(e.Summary, string(e.Source))
	if e.Actor != "" {
		s += " by " + e.Actor
	}
	if e.SHA != "" {
		s += " on `" + Short(e.SHA) + "`"
	}
	if !e.At.IsZero() {
		s += " at " + UTC(e.At)
	}
	return s
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return strings.TrimRight(s, ".")
}
