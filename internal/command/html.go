package command

import "strings"

// HTML hides what it holds: GitHub renders a <details> collapsed (its
// summary included), a <pre> as preformatted text, and an HTML block raw.
// None of it is read as a command, so pasting a log or a folded quote of
// someone's "/approve" does nothing. The rules are CommonMark's HTML
// blocks, read conservatively: when in doubt a line is hidden, never
// executed.

// hidingTags hold everything up to their closing tag, however many blank
// lines that spans.
var hidingTags = []string{"details", "summary", "pre", "script", "style", "textarea"}

// maxDepth bounds the nesting counted per tag.
const maxDepth = 1000

// htmlState is what the lines read so far leave open.
type htmlState struct {
	depth [6]int // per hidingTags entry
	block bool   // inside an HTML block, which a blank line ends
}

func (h *htmlState) hidden() bool {
	if h.block {
		return true
	}
	for _, d := range h.depth {
		if d > 0 {
			return true
		}
	}
	return false
}

// line takes one line that is not code or a quote and reports whether it
// is hidden: inside, opening or closing HTML. An HTML block ends at a
// blank line; a hiding tag at its closing tag, wherever that is.
func (h *htmlState) line(trimmed string, indent int) bool {
	if h.block && strings.TrimSpace(trimmed) == "" {
		h.block = false
		return true
	}
	hidden := h.hidden()
	if h.count(stripCodeSpans(trimmed)) {
		hidden = true
	}
	if !h.block && indent <= 3 && startsHTMLBlock(trimmed) {
		h.block = true
	}
	return hidden || h.block
}

// count updates the open hiding tags from one line and reports whether it
// holds any.
func (h *htmlState) count(s string) bool {
	lower := strings.ToLower(s)
	touched := false
	for i, tag := range hidingTags {
		opens := countTag(lower, "<"+tag)
		closes := countTag(lower, "</"+tag)
		if opens+closes == 0 {
			continue
		}
		touched = true
		h.depth[i] = min(max(h.depth[i]+opens-closes, 0), maxDepth)
	}
	return touched
}

// countTag counts "<tag" followed by the end of a tag name.
func countTag(s, open string) int {
	n := 0
	for {
		i := strings.Index(s, open)
		if i < 0 {
			return n
		}
		s = s[i+len(open):]
		if s == "" || strings.IndexByte(" \t>/", s[0]) >= 0 {
			n++
		}
	}
}

// startsHTMLBlock reports whether a line opens a CommonMark HTML block:
// "<tag", "</tag", "<!" or "<?". An autolink ("<https://…>") does not.
func startsHTMLBlock(s string) bool {
	if len(s) < 2 || s[0] != '<' {
		return false
	}
	if s[1] == '!' || s[1] == '?' {
		return true
	}
	s = strings.TrimPrefix(s[1:], "/")
	if s == "" || !isASCIILetter(s[0]) {
		return false
	}
	i := 1
	for i < len(s) && (isASCIILetter(s[i]) || s[i] >= '0' && s[i] <= '9' || s[i] == '-') {
		i++
	}
	return i == len(s) || strings.IndexByte(" \t>/", s[i]) >= 0
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// stripCodeSpans removes inline code (`…`, “…“), whose text shows as
// typed and opens no tag.
func stripCodeSpans(s string) string {
	if !strings.Contains(s, "`") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		n := 0
		for i+n < len(s) && s[i+n] == '`' {
			n++
		}
		fence := s[i : i+n]
		rest := s[i+n:]
		end := closingRun(rest, fence)
		if end < 0 {
			b.WriteString(s[i:]) // an unmatched run is literal
			return b.String()
		}
		s = rest[end+n:]
	}
}

// closingRun finds a run of exactly len(fence) backticks in s.
func closingRun(s, fence string) int {
	off := 0
	for {
		i := strings.Index(s[off:], fence)
		if i < 0 {
			return -1
		}
		i += off
		j := i + len(fence)
		if (i == 0 || s[i-1] != '`') && (j == len(s) || s[j] != '`') {
			return i
		}
		for j < len(s) && s[j] == '`' {
			j++
		}
		off = j
	}
}
