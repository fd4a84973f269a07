package mdtext

import "strings"

// HTML escapes s as text inside one of golive's HTML elements (a
// <summary>), on one line: GitHub renders no Markdown in an HTML block,
// so a backslash would show, and the HTML specials are written as
// entities instead. Mentions and autolinks are broken as Text breaks
// them, since GitHub finds both in the text of HTML too.
func HTML(s string, max int) string {
	s = oneLine(s, max)
	if !strings.ContainsAny(s, "&<>\"'@:wW") {
		return s
	}
	return htmlEscapes.Replace(s)
}

var htmlEscapes = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", "\"", "&#34;", "'", "&#39;",
	"@", "@\u200b", "://", ":\u200b//", "www.", "www\u200b.", "WWW.", "WWW\u200b.",
)
