package render

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ag06mixer/golive/internal/release"
)

// SlackMessage is an incoming-webhook message in Slack's format: a
// fallback text and Block Kit blocks. Other chat tools (Mattermost,
// Rocket.Chat, Discord's /slack endpoint) read the same shape.
type SlackMessage struct {
	Text   string       `json:"text"`
	Blocks []SlackBlock `json:"blocks"`
}

// SlackBlock is one block: header, section, context or actions.
type SlackBlock struct {
	Type     string         `json:"type"`
	Text     *SlackText     `json:"text,omitempty"`
	Elements []SlackElement `json:"elements,omitempty"`
}

// SlackText is a text object: plain_text or mrkdwn.
type SlackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// SlackElement is a context text or a link button.
type SlackElement struct {
	Type string     `json:"type"`
	Text *SlackText `json:"text,omitempty"`
	// A context element's own text, when Type is mrkdwn.
	Body string `json:"-"`
	URL  string `json:"url,omitempty"`
}

// MarshalJSON writes a context element as a text object, a button as
// itself.
func (e SlackElement) MarshalJSON() ([]byte, error) {
	if e.Type == "mrkdwn" {
		return json.Marshal(SlackText{Type: "mrkdwn", Text: e.Body})
	}
	type plain SlackElement
	return json.Marshal(plain(e))
}

// Block Kit's limits: a header's text, a section's text, elements of an
// actions block. Longer text is cut, so Slack never refuses a message.
const (
	slackHeaderMax  = 150
	slackSectionMax = 3000
	slackListMax    = 10
	slackItemMax    = 200
)

// NoticeLinks are where a notice points: the tracking issue, the PR and
// the release's dashboard page (each may be empty).
type NoticeLinks struct {
	Issue, PR, Dashboard string
}

// Notice renders one release event as a Slack message. Every text that
// comes from GitHub (the PR title, item titles, logins) is escaped for
// mrkdwn, so a title cannot mention @channel or forge a link.
func Notice(s *release.State, n release.Notice, links NoticeLinks) SlackMessage {
	name := s.Title
	if name == "" {
		name = s.Key.String()
	}
	head := map[release.NoticeKind]string{
		release.NoticeReady:   "✅ Ready to merge",
		release.NoticeBlocked: "⏳ Blocked on a sign-off",
		release.NoticeAtRisk:  "⚠️ At risk after go-live",
		release.NoticeMerged:  "🚀 Merged",
	}[n.Kind]
	header := slackCut(head+": "+name, slackHeaderMax)
	rel := fmt.Sprintf("*Release* %s (%s)", escCut(name, slackItemMax), slackEscape(s.Key.String()))
	if links.PR != "" {
		rel = fmt.Sprintf("*Release* <%s|%s> (%s)", links.PR, escCut(name, slackItemMax), slackEscape(s.Key.String()))
	}
	lines := []string{rel}
	if n.Title != "" {
		lines = append(lines, "*Status* "+escCut(n.Title, slackItemMax))
	}
	if n.Role != nil {
		who := append(teamMentions(n.Role.Teams), atLogins(n.Role.Users)...)
		line := "*Awaiting* " + slackEscape(n.Role.Title)
		if !n.Since.IsZero() {
			line += " since " + n.Since.UTC().Format("2006-01-02 15:04 MST")
		}
		if len(who) > 0 {
			line += " (" + slackEscape(strings.Join(who, ", ")) + ")"
		}
		lines = append(lines, line)
	}
	blocks := []SlackBlock{
		{Type: "header", Text: &SlackText{Type: "plain_text", Text: header}},
		{Type: "section", Text: &SlackText{Type: "mrkdwn", Text: slackCut(strings.Join(lines, "\n"), slackSectionMax)}},
	}
	if len(n.Missing) > 0 {
		label := "*Missing*"
		if n.Kind == release.NoticeAtRisk {
			label = "*Failed*"
		}
		blocks = append(blocks, SlackBlock{Type: "section", Text: &SlackText{Type: "mrkdwn", Text: slackList(label, n.Missing)}})
	}
	var buttons []SlackElement
	for _, l := range []struct{ label, url string }{{"Tracking issue", links.Issue}, {"Dashboard", links.Dashboard}, {"Pull request", links.PR}} {
		if l.url != "" {
			buttons = append(buttons, SlackElement{Type: "button", Text: &SlackText{Type: "plain_text", Text: l.label}, URL: l.url})
		}
	}
	if len(buttons) > 0 {
		blocks = append(blocks, SlackBlock{Type: "actions", Elements: buttons})
	}
	blocks = append(blocks, SlackBlock{Type: "context", Elements: []SlackElement{{Type: "mrkdwn", Body: "golive · " + string(n.Kind)}}})
	// The fallback text is mrkdwn in notifications: escaped as the
	// sections are, so a PR title cannot ping @channel or forge a link.
	return SlackMessage{Text: slackEscape(header), Blocks: blocks}
}

// slackList is a label and a bulleted list, at most slackListMax items
// of at most 200 characters each, then how many more: always within a
// section's limit, never cut inside an escape.
func slackList(label string, items []string) string {
	var b strings.Builder
	b.WriteString(label)
	for i, m := range items {
		if i == slackListMax {
			fmt.Fprintf(&b, "\n… and %d more", len(items)-slackListMax)
			break
		}
		b.WriteString("\n• " + escCut(m, slackItemMax))
	}
	return b.String()
}

// escCut escapes s and cuts it to at most n characters, never inside an
// escape.
func escCut(s string, n int) string {
	e := slackEscape(s)
	if utf8.RuneCountInString(e) <= n {
		return e
	}
	c := string([]rune(e)[:n-1])
	if amp := strings.LastIndexByte(c, '&'); amp > strings.LastIndexByte(c, ';') {
		c = c[:amp]
	}
	return c + "…"
}

// slackEscape escapes the three characters mrkdwn gives meaning to
// (&, <, >): "<!channel>" or "<https://x|y>" in a title stays text.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func teamMentions(teams []string) []string {
	out := make([]string, 0, len(teams))
	for _, t := range teams {
		out = append(out, "@"+t)
	}
	return out
}

func atLogins(users []string) []string {
	out := make([]string, 0, len(users))
	for _, u := range users {
		out = append(out, "@"+u)
	}
	return out
}

// slackCut shortens s to at most n runes, ending with an ellipsis.
func slackCut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
