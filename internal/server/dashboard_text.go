package server

import (
	"html/template"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/overview"
)

// inlineCode renders text that may hold Markdown `code` spans (checklist
// titles, golive's notes: "waiting for `/approve security`") as HTML:
// each paired span becomes <code>, everything else is escaped text. An
// unpaired backtick stays a backtick. Nothing else of Markdown is read,
// so text from GitHub can open no link and add no markup.
func inlineCode(s string) template.HTML {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], '`')
		if j < 0 {
			break
		}
		b.WriteString(template.HTMLEscapeString(s[:i]))
		b.WriteString("<code>")
		b.WriteString(template.HTMLEscapeString(s[i+1 : i+1+j]))
		b.WriteString("</code>")
		s = s[i+2+j:]
	}
	b.WriteString(template.HTMLEscapeString(s))
	return escaped(b.String())
}

// timeElement is a moment as the page shows it: one clock, UTC, in the
// text (or the relative text given); app.js puts the reader's local time
// in the title, shown on hover.
func timeElement(t time.Time, text string) template.HTML {
	if t.IsZero() {
		return escaped(template.HTMLEscapeString(text))
	}
	utc := overview.UTC(t)
	return escaped(`<time datetime="` + t.UTC().Format(time.RFC3339) + `" title="` + utc + `">` + template.HTMLEscapeString(text) + `</time>`)
}

// escaped marks HTML built here, from escaped text and golive's own
// markup only, as safe for the templates.
func escaped(html string) template.HTML {
	return template.HTML(html)
}
