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
	notes := 0
	for _, ir := range rep.Items {
		if ir.Note == "" || (ir.State != release.ItemFailing && ir.State != release.ItemPending) {
			continue
		}
		if v, ok := render.MemoKept("note", ir.Note); ok && strings.Contains(body, v) {
			notes++
		}
	}
	if notes == 0 {
		t.Error("no pending or failing item's note is kept as written")
	}
}
