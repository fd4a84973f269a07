package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Block Kit's limits (api.slack.com/reference/block-kit): what Slack
// refuses with invalid_blocks.
const (
	maxBlocks        = 50
	maxHeaderText    = 150
	maxSectionText   = 3000
	maxActions       = 25
	maxContext       = 10
	maxButtonText    = 75
	maxButtonURL     = 3000
	maxFallbackRunes = 40000
)

type text struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type element struct {
	Type string          `json:"type"`
	Text json.RawMessage `json:"text"`
	URL  string          `json:"url"`
}

type block struct {
	Type     string            `json:"type"`
	Text     *text             `json:"text"`
	Elements []json.RawMessage `json:"elements"`
}

type message struct {
	Text   *string `json:"text"`
	Blocks []block `json:"blocks"`
}

// CheckShape reports whether body is an incoming-webhook message Slack
// takes: a fallback text and blocks of the kinds golive writes (header,
// section, actions of link buttons, context), each within Block Kit's
// limits. Notify refuses to post a message that fails it.
func CheckShape(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	var m message
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("message: %w", err)
	}
	if m.Text == nil || *m.Text == "" || utf8.RuneCountInString(*m.Text) > maxFallbackRunes {
		return fmt.Errorf("message: text (the fallback) must be 1 to %d characters", maxFallbackRunes)
	}
	if len(m.Blocks) == 0 || len(m.Blocks) > maxBlocks {
		return fmt.Errorf("message: want 1 to %d blocks, got %d", maxBlocks, len(m.Blocks))
	}
	for i, b := range m.Blocks {
		if err := checkBlock(b); err != nil {
			return fmt.Errorf("block %d (%s): %w", i, b.Type, err)
		}
	}
	return nil
}

func checkBlock(b block) error {
	switch b.Type {
	case "header":
		return checkText(b.Text, "plain_text", maxHeaderText)
	case "section":
		if b.Text == nil {
			return fmt.Errorf("a section needs text")
		}
		return checkText(b.Text, "", maxSectionText)
	case "actions":
		if len(b.Elements) == 0 || len(b.Elements) > maxActions {
			return fmt.Errorf("want 1 to %d elements, got %d", maxActions, len(b.Elements))
		}
		for _, raw := range b.Elements {
			var e element
			if err := json.Unmarshal(raw, &e); err != nil {
				return err
			}
			var t text
			if e.Type != "button" || json.Unmarshal(e.Text, &t) != nil {
				return fmt.Errorf("an actions element must be a button with a text object")
			}
			if err := checkText(&t, "plain_text", maxButtonText); err != nil {
				return err
			}
			if e.URL == "" || len(e.URL) > maxButtonURL {
				return fmt.Errorf("a link button needs a url of at most %d characters", maxButtonURL)
			}
		}
	case "context":
		if len(b.Elements) == 0 || len(b.Elements) > maxContext {
			return fmt.Errorf("want 1 to %d elements, got %d", maxContext, len(b.Elements))
		}
		for _, raw := range b.Elements {
			var t text
			if err := json.Unmarshal(raw, &t); err != nil {
				return err
			}
			if err := checkText(&t, "", maxSectionText); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("unknown block type")
	}
	return nil
}

// checkText checks a text object: its type (kind, or either kind when
// empty) and its length, 1 to max characters.
func checkText(t *text, kind string, max int) error {
	if t == nil {
		return fmt.Errorf("missing text object")
	}
	if (kind != "" && t.Type != kind) || (t.Type != "plain_text" && t.Type != "mrkdwn") {
		return fmt.Errorf("text type %q where %q is wanted", t.Type, kind)
	}
	if n := utf8.RuneCountInString(t.Text); n == 0 || n > max {
		return fmt.Errorf("text of %d characters, want 1 to %d", n, max)
	}
	return nil
}
