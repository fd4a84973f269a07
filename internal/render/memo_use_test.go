package render_test

import (
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// TestIssueUsesTheTextMemos: rendering an issue keeps its section and
// item titles and its items' notes, escaped as written, for the next
// render.
func TestIssueUsesTheTextMemos(t *testing.T) {
	cfg := defaultConfig(t)
	s := progressed()
	body := render.Issue(cfg, s, t0)
	sec := cfg.Sections[0]
	item := sec.Groups[0].Items[0]
	for _, title := range []string{sec.Title, item.Title} {
		if v, ok := render.MemoKept("title", title); !ok || !strings.Contains(body, v) {
			t.Errorf("title %q is not kept (kept %v), or not as written: %q", title, ok, v)
		}
	}
	rep := release.Evaluate(cfg, s, t0)
	kept := map[release.ItemState]int{}
	for _, ir := range rep.Items {
		if ir.Note == "" || (ir.State != release.ItemFailing && ir.State != release.ItemPending) {
			continue
		}
		if v, ok := render.MemoKept("note", ir.Note); ok && strings.Contains(body, v) {
			kept[ir.State]++
		}
	}
	if kept[release.ItemFailing] == 0 || kept[release.ItemPending] == 0 {
		t.Errorf("notes kept as written: %d of failing items, %d of pending ones; want both", kept[release.ItemFailing], kept[release.ItemPending])
	}
}
