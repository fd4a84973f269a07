// Package mdtext escapes text that comes from GitHub or from people
// (titles, check names, status contexts and URLs, reasons, ids typed in
// comments) for the place it lands in golive's Markdown: one function per
// kind of output.
//
// Whatever goes in, what comes out stays on one line, cannot open a link,
// an image, an HTML tag or comment, a heading, a list item or a table
// column, and cannot close the code span or comment it is put in.
//
// It is pure: no I/O, no clock.
package mdtext

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// oneLine folds every run of white space and control characters (new
// lines, tabs, NUL, bidi overrides, zero-width joiners) into one space,
// trims, and cuts to max runes with an ellipsis (max <= 0: no cut).
func oneLine(s string, max int) string {
	// The common case: nothing to fold or cut but spaces at either end.
	if t := strings.Trim(s, " "); alreadyOneLine(t, max) {
		return t
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	n := 0
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			space = b.Len() > 0
			continue
		}
		if max > 0 && n >= max {
			b.WriteString("…")
			return b.String()
		}
		if space {
			b.WriteByte(' ')
			space = false
			n++
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// alreadyOneLine reports whether oneLine would give s back unchanged:
// valid UTF-8, single spaces between words only, no other white space or
// control character, and no more than max runes.
func alreadyOneLine(s string, max int) bool {
	n := 0
	prevSpace := true // a leading space is trimmed
	for i := 0; i < len(s); {
		c := s[i]
		if c > ' ' && c < 0x7f { // printable ASCII, the common case
			prevSpace = false
			i++
			n++
			continue
		}
		if c < utf8.RuneSelf {
			if c == ' ' {
				if prevSpace {
					return false
				}
				prevSpace = true
			} else if c < ' ' || c == 0x7f {
				return false
			} else {
				prevSpace = false
			}
			i++
			n++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
		prevSpace = false
		i += size
		n++
	}
	if len(s) > 0 && prevSpace {
		return false // a trailing space is trimmed
	}
	return max <= 0 || n <= max
}

// OneLine is s on one line, cut to max runes (max <= 0: no cut), with no
// Markdown escaping: for plain-text outputs (check run titles, logs).
func OneLine(s string, max int) string { return oneLine(s, max) }

// special are the characters that can start Markdown or HTML syntax
// anywhere in a line of GitHub Flavoured Markdown.
const special = "\\`*_[]<>|~&"

// Text escapes s as inline Markdown text on one line: every character
// that could start Markdown or HTML syntax is backslash-escaped (GFM
// allows a backslash before any ASCII punctuation), and so is one that
// would start a heading, list or quote at the start of a line, so the
// text shows as typed. '@' is followed by a zero-width space, so text can
// never mention a person or team.
func Text(s string, max int) string {
	s = oneLine(s, max)
	if hasAutolink(s) {
		s = autolinks.Replace(s)
	}
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	digits := true
	for i, r := range s {
		switch {
		case r == '@':
			b.WriteString("@\u200b")
			digits = false
			continue
		case r < utf8.RuneSelf && strings.ContainsRune(special, r):
			b.WriteByte('\\')
		case i == 0 && strings.ContainsRune("#+-=>!", r):
			b.WriteByte('\\')
		case digits && i > 0 && (r == '.' || r == ')'):
			b.WriteByte('\\')
		}
		digits = digits && r >= '0' && r <= '9'
		b.WriteRune(r)
	}
	return b.String()
}

// needsEscape reports whether Text would change s (already on one line
// and free of autolinks): the same cases as Text's loop.
func needsEscape(s string) bool {
	if s == "" {
		return false
	}
	if strings.IndexByte("#+-=>!", s[0]) >= 0 {
		return true
	}
	digits := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if escapes[c] {
			return true
		}
		if digits && i > 0 && (c == '.' || c == ')') {
			return true
		}
		digits = digits && c >= '0' && c <= '9'
	}
	return false
}

// escapes are the bytes Text always changes: '@' and special.
var escapes = func() (t [256]bool) {
	t['@'] = true
	for i := 0; i < len(special); i++ {
		t[special[i]] = true
	}
	return t
}()

func hasAutolink(s string) bool {
	if strings.IndexByte(s, '.') < 0 && strings.IndexByte(s, ':') < 0 {
		return false // neither "://" nor "www."
	}
	return strings.Contains(s, "://") || strings.Contains(s, "www.") || strings.Contains(s, "WWW.")
}

// autolinks breaks what GFM would turn into a link on its own ("https://…",
// "www.…") with a zero-width space, so escaped text never holds a live link.
var autolinks = strings.NewReplacer("://", ":\u200b//", "www.", "www\u200b.", "WWW.", "WWW\u200b.")

// Code puts s in a code span on one line, whatever backticks it holds:
// the fence is one backtick longer than the longest run inside, and a
// space pads a value that starts or ends with a backtick (GFM strips one
// space on each side). Inside a code span nothing renders, no mention
// included.
func Code(s string, max int) string {
	s = oneLine(s, max)
	if s == "" {
		return "` `"
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	writeCode(&b, s)
	return b.String()
}

// writeCode writes s, on one line and not empty, as Code does.
func writeCode(b *strings.Builder, s string) {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max2(longest, run)
		} else {
			run = 0
		}
	}
	pad := s[0] == '`' || s[len(s)-1] == '`' || (s[0] == ' ' && s[len(s)-1] == ' ')
	for range longest + 1 {
		b.WriteByte('`')
	}
	if pad {
		b.WriteByte(' ')
	}
	b.WriteString(s)
	if pad {
		b.WriteByte(' ')
	}
	for range longest + 1 {
		b.WriteByte('`')
	}
}

// Cell is Text for a table cell: a pipe is escaped too (Text escapes it),
// so the value stays in its column.
func Cell(s string, max int) string { return Text(s, max) }

// URL returns raw as a URL safe to put in a Markdown link target or an
// HTML attribute, and true, only when it parses as an absolute https URL
// (or http/https on one of the extra hosts, such as a GitHub Enterprise
// Server host) with a host, no user info and no white space or control
// characters. Anything else gives "", false: the caller shows no link.
func URL(raw string, extraHosts ...string) (string, bool) {
	if raw == "" || len(raw) > 2048 {
		return "", false
	}
	for _, r := range raw {
		if r <= ' ' || r == 0x7f || unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return "", false
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	host := strings.ToLower(u.Hostname())
	extra := false
	for _, h := range extraHosts {
		if h != "" && strings.EqualFold(h, host) {
			extra = true
		}
	}
	switch {
	case strings.EqualFold(u.Scheme, "https"):
	case strings.EqualFold(u.Scheme, "http") && extra:
	default:
		return "", false
	}
	s := u.String()
	return targetEscapes.Replace(s), true
}

// targetEscapes percent-encodes the characters that end a Markdown link
// target or an HTML attribute.
var targetEscapes = strings.NewReplacer("(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "\"", "%22", "'", "%27", " ", "%20", "`", "%60", "\\", "%5C")

// Link is a Markdown link with text escaped as Text, or the text alone
// when target is not a safe URL (see URL).
func Link(text, target string, max int, extraHosts ...string) string {
	t := Text(text, max)
	if t == "" {
		t = "link"
	}
	u, ok := URL(target, extraHosts...)
	if !ok {
		return t
	}
	return "[" + t + "](" + u + ")"
}

// Comment makes s safe inside an HTML comment on one line: it can never
// close the comment ("-->", "--!>") or open another.
func Comment(s string, max int) string {
	s = strings.NewReplacer("<", "‹", ">", "›").Replace(oneLine(s, max))
	// One pass leaves "- --" of "---": split dashes until no two touch
	// (found by FuzzText, 2026-12-02).
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "- -")
	}
	return s
}

func max2(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// Inline is for golive's own notes, which mix plain text with `code`
// spans around names that may come from GitHub (check names,
// environments): each span's content goes through Code and the text
// around it through Text, so a name holding a backtick, a newline or
// Markdown can open nothing. An unpaired backtick is escaped as text.
func Inline(s string, max int) string {
	s = oneLine(s, max)
	if strings.IndexByte(s, '`') < 0 {
		return spaced(s)
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], '`')
		if j < 0 {
			break
		}
		writeSpaced(&b, s[:i])
		if c := oneLine(s[i+1:i+1+j], 0); c == "" {
			b.WriteString("` `")
		} else {
			writeCode(&b, c)
		}
		s = s[i+2+j:]
	}
	writeSpaced(&b, s)
	return b.String()
}

// spaced is Text keeping one space at either end, which Text trims.
func spaced(s string) string {
	t := Text(s, 0)
	if t == "" {
		if s != "" {
			return " "
		}
		return ""
	}
	if s[0] != ' ' && s[len(s)-1] != ' ' {
		return t
	}
	var b strings.Builder
	b.Grow(len(t) + 2)
	writeSpaced(&b, s)
	return b.String()
}

// writeSpaced writes spaced(s).
func writeSpaced(b *strings.Builder, s string) {
	t := Text(s, 0)
	if t == "" {
		if s != "" {
			b.WriteByte(' ')
		}
		return
	}
	if s[0] == ' ' {
		b.WriteByte(' ')
	}
	b.WriteString(t)
	if s[len(s)-1] == ' ' {
		b.WriteByte(' ')
	}
}
