package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// TestRenderedNoticesHaveSlackShape: every kind of notice render.Notice
// builds passes CheckShape, even with a title over every limit, forty
// missing items and text that means something in mrkdwn; and CheckShape
// itself refuses each limit broken.
func TestRenderedNoticesHaveSlackShape(t *testing.T) {
	s := &release.State{Key: release.Key{Owner: "o", Repo: "r", PR: 7}, Title: "<!channel> <https://evil.example|click> & " + strings.Repeat("long ", 100)}
	var missing []string
	for range 40 {
		missing = append(missing, strings.Repeat("item <b> ", 50))
	}
	links := render.NoticeLinks{Issue: "https://github.com/o/r/issues/8", PR: "https://github.com/o/r/pull/7", Dashboard: "https://golive.example/r/o/r/7"}
	role := &release.Reminder{Role: "business", Title: "Business Owner", Teams: []string{"o/business"}, Users: []string{"bob"}}
	for _, n := range []release.Notice{
		{Kind: release.NoticeReady, ID: "ready", Title: "Ready"},
		{Kind: release.NoticeBlocked, ID: "blocked:business", Title: "Blocked: 40 required items missing", Missing: missing, Role: role, Since: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)},
		{Kind: release.NoticeAtRisk, ID: "at_risk", Title: "Live", Missing: missing[:2]},
		{Kind: release.NoticeMerged, ID: "merged", Title: "Live"},
	} {
		b, err := json.Marshal(render.Notice(s, n, links))
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckShape(b); err != nil {
			t.Errorf("%s: %v\n%s", n.ID, err, b)
		}
		body := string(b)
		var m struct {
			Text   string `json:"text"`
			Blocks []struct {
				Type string                `json:"type"`
				Text struct{ Text string } `json:"text"`
			} `json:"blocks"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		// The fallback text, shown in notifications, is mrkdwn too.
		if strings.Contains(m.Text, "<!channel>") || strings.Contains(m.Text, "<https://evil") {
			t.Errorf("%s: the fallback text's mrkdwn is not escaped: %q", n.ID, m.Text)
		}
		sec := m.Blocks[1].Text.Text
		if m.Blocks[1].Type != "section" || strings.Contains(sec, "<!channel>") || strings.Contains(sec, "<https://evil") || !strings.Contains(sec, "&lt;!channel&gt;") {
			t.Errorf("%s: the title's mrkdwn is not escaped: %q", n.ID, sec)
		}
		if !strings.Contains(body, links.Issue) || !strings.Contains(body, links.Dashboard) {
			t.Errorf("%s: links missing: %s", n.ID, body)
		}
	}
	b, _ := json.Marshal(render.Notice(s, release.Notice{Kind: release.NoticeBlocked, Missing: missing, Role: role}, links))
	if !strings.Contains(string(b), "… and 30 more") || !strings.Contains(string(b), "@o/business, @bob") {
		t.Errorf("blocked notice: %s", b)
	}
}
