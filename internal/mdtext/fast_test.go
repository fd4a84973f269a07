package mdtext

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The functions below are mdtext as it was before its fast paths (#18),
// kept as the reference the fast paths must agree with byte for byte:
// golive's rendered bodies must not change.

func refOneLine(s string, max int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
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

func refText(s string, max int) string {
	s = autolinks.Replace(refOneLine(s, max))
	var b strings.Builder
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

func refCode(s string, max int) string {
	s = refOneLine(s, max)
	if s == "" {
		return "` `"
	}
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max2(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if s[0] == '`' || s[len(s)-1] == '`' || (s[0] == ' ' && s[len(s)-1] == ' ') {
		s = " " + s + " "
	}
	return fence + s + fence
}

func refInline(s string, max int) string {
	s = refOneLine(s, max)
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
		b.WriteString(refSpaced(s[:i]))
		b.WriteString(refCode(s[i+1:i+1+j], 0))
		s = s[i+2+j:]
	}
	b.WriteString(refSpaced(s))
	return b.String()
}

func refSpaced(s string) string {
	t := refText(s, 0)
	if t == "" {
		if s != "" {
			return " "
		}
		return ""
	}
	if s[0] == ' ' {
		t = " " + t
	}
	if s[len(s)-1] == ' ' {
		t += " "
	}
	return t
}

func refURL(raw string) (string, bool) {
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
	if !strings.EqualFold(u.Scheme, "https") {
		return "", false
	}
	return strings.NewReplacer("(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "\"", "%22", "'", "%27", " ", "%20", "`", "%60", "\\", "%5C").Replace(u.String()), true
}

var fastCases = append([]string{
	"", " ", "  ", "plain words", " leading", "trailing ", "two  spaces", "tab\there",
	"waiting for check `image-scan*` on c0ffee0", "`a` and `` b `` `", "` `", "``", "`",
	"1. not a list", "12) no", "a.b", "#heading", "-item", "@alice", "x@y", "www.example.com",
	"https://a.example/(x)", "café au lait", "zero\u200bwidth", "nbsp\u00a0here", "bad \xff utf8",
	"ends with backtick`", "` padded `", "ümlaut ", strings.Repeat("long ", 100),
}, hostile...)

func TestFastPathsMatchReference(t *testing.T) {
	for _, s := range fastCases {
		checkAgainstReference(t, s)
	}
}

func checkAgainstReference(t *testing.T, s string) {
	t.Helper()
	for _, max := range []int{0, 5, 300} {
		if got, want := oneLine(s, max), refOneLine(s, max); got != want {
			t.Fatalf("oneLine(%q, %d) = %q, want %q", s, max, got, want)
		}
		if got, want := Text(s, max), refText(s, max); got != want {
			t.Fatalf("Text(%q, %d) = %q, want %q", s, max, got, want)
		}
		if got, want := Code(s, max), refCode(s, max); got != want {
			t.Fatalf("Code(%q, %d) = %q, want %q", s, max, got, want)
		}
		if got, want := Inline(s, max), refInline(s, max); got != want {
			t.Fatalf("Inline(%q, %d) = %q, want %q", s, max, got, want)
		}
	}
	gu, gok := URL(s)
	wu, wok := refURL(s)
	if gu != wu || gok != wok {
		t.Fatalf("URL(%q) = %q, %v, want %q, %v", s, gu, gok, wu, wok)
	}
}

func TestCleanTextAllocatesNothing(t *testing.T) {
	if n := testing.AllocsPerRun(50, func() { _ = Text("Docker images built and tagged", 300) }); n != 0 {
		t.Errorf("Text of clean text allocates %v times, want 0", n)
	}
}

func FuzzFastPaths(f *testing.F) {
	for _, s := range fastCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			return
		}
		checkAgainstReference(t, s)
	})
}
