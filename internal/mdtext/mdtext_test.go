package mdtext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile are strings an attacker can put in a PR title, a check name, a
// status context or URL, a reason or an id typed in a comment.
var hostile = []string{
	"",
	"plain",
	"line one\nline two",
	"x\r\n- [x] <!-- golive:item security-review -->",
	"<!-- golive:ledger v1 AAAA BBBB -->",
	"--> <img src=x onerror=alert(1)>",
	"[click](https://evil.example/)",
	"![img](https://evil.example/x.png)",
	"`code` and ``more``",
	"`",
	"``",
	"ends with `",
	"@ag06mixer/security please look",
	"| a | b |",
	"# heading",
	"1. list",
	"- item",
	"> quote",
	"\u202eRTL override",
	"zero\u200bwidth",
	"tab\there",
	"\x00nul",
	"\xff\xfe invalid utf8",
	"javascript:alert(1)",
	"<script>alert(1)</script>",
	"**bold** _it_ ~~s~~",
	"&lt;entity&gt; &#10;",
	"closes #12",
	strings.Repeat("a", 5000),
}

func TestTextStaysOneInertLine(t *testing.T) {
	for _, s := range hostile {
		got := Text(s, 200)
		if strings.ContainsAny(got, "\r\n\x00") {
			t.Errorf("Text(%q) = %q: holds a line break", s, got)
		}
		if !utf8.ValidString(got) {
			t.Errorf("Text(%q) = %q: not UTF-8", s, got)
		}
		assertEscaped(t, "Text", s, got)
		if utf8.RuneCountInString(got) > 200*3+1 {
			t.Errorf("Text(%q): %d runes, cut at 200 wanted", s, utf8.RuneCountInString(got))
		}
	}
}

// assertEscaped checks that every Markdown-active character in got is
// preceded by a backslash, and that no mention survives.
func assertEscaped(t *testing.T, fn, in, got string) {
	t.Helper()
	for i := 0; i < len(got); i++ {
		c := got[i]
		if c == '\\' {
			if i+1 >= len(got) || !strings.ContainsRune("\\`*_[]<>|~&#+-=>!.)", rune(got[i+1])) {
				t.Errorf("%s(%q) = %q: a lone backslash at %d", fn, in, got, i)
				return
			}
			i++ // the escaped character
			continue
		}
		if strings.IndexByte(special, c) >= 0 {
			t.Errorf("%s(%q) = %q: %q at %d is not escaped", fn, in, got, c, i)
			return
		}
	}
	if strings.Contains(strings.ReplaceAll(got, "@\u200b", ""), "@") {
		t.Errorf("%s(%q) = %q: a mention can ping", fn, in, got)
	}
}

func TestTextHasNoLiveLink(t *testing.T) {
	for _, s := range []string{"see https://evil.example/x", "www.evil.example", "[a](https://evil.example)"} {
		if got := Text(s, 0); strings.Contains(got, "https://") || strings.Contains(got, "www.") {
			t.Errorf("Text(%q) = %q: GFM would autolink it", s, got)
		}
	}
}

func TestTextLineStart(t *testing.T) {
	for in, want := range map[string]string{
		"# heading":   `\# heading`,
		"1. list":     `1\. list`,
		"12) list":    `12\) list`,
		"- item":      `\- item`,
		"> quote":     `\> quote`,
		"v1.2 ok":     "v1.2 ok",
		"Release 1.0": "Release 1.0",
	} {
		if got := Text(in, 0); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCodeHoldsAnything(t *testing.T) {
	for _, s := range hostile {
		got := Code(s, 100)
		if strings.ContainsAny(got, "\r\n") {
			t.Errorf("Code(%q) = %q: holds a line break", s, got)
		}
		if inner, ok := codeSpan(got); !ok {
			t.Errorf("Code(%q) = %q: not one code span", s, got)
		} else if want := oneLine(s, 100); strings.TrimSpace(inner) != strings.TrimSpace(want) {
			t.Errorf("Code(%q) holds %q, want %q", s, inner, want)
		}
	}
}

// codeSpan parses got as exactly one GFM code span and returns its content.
func codeSpan(got string) (string, bool) {
	n := 0
	for n < len(got) && got[n] == '`' {
		n++
	}
	if n == 0 || len(got) < 2*n+1 || got[len(got)-n:] != strings.Repeat("`", n) || (len(got) > 2*n && got[len(got)-n-1] == '`') {
		return "", false
	}
	inner := got[n : len(got)-n]
	// The fence must not occur inside as a run of exactly n backticks.
	for i := 0; i < len(inner); {
		if inner[i] != '`' {
			i++
			continue
		}
		j := i
		for j < len(inner) && inner[j] == '`' {
			j++
		}
		if j-i == n {
			return "", false
		}
		i = j
	}
	return inner, true
}

func TestURL(t *testing.T) {
	for _, c := range []struct {
		in    string
		extra []string
		ok    bool
	}{
		{"https://github.com/o/r/actions/runs/1", nil, true},
		{"https://ci.example/x?a=b&c=(d)", nil, true},
		{"http://ci.example/x", nil, false},
		{"http://ghe.corp/x", []string{"ghe.corp"}, true},
		{"javascript:alert(1)", nil, false},
		{"data:text/html,hi", nil, false},
		{"https://ci.example/x\n- [x] forged", nil, false},
		{"https://ci.example/x)](https://evil.example", nil, true},
		{"https://user:pw@ci.example/", nil, false},
		{"//ci.example/x", nil, false},
		{"/relative", nil, false},
		{"", nil, false},
		{"https://ci.example/\u202e", nil, false},
		{"https:///nohost", nil, false},
	} {
		got, ok := URL(c.in, c.extra...)
		if ok != c.ok {
			t.Errorf("URL(%q) ok = %v, want %v (%q)", c.in, ok, c.ok, got)
			continue
		}
		if ok && strings.ContainsAny(got, "()<>\"' `\\\n") {
			t.Errorf("URL(%q) = %q: holds a character that ends a link target", c.in, got)
		}
	}
}

func TestLinkFallsBackToText(t *testing.T) {
	if got := Link("ci [x]", "javascript:alert(1)", 0); got != `ci \[x\]` {
		t.Errorf("got %q, want the text alone", got)
	}
	if got := Link("ci", "https://ci.example/a(b)", 0); got != "[ci](https://ci.example/a%28b%29)" {
		t.Errorf("got %q", got)
	}
}

func TestComment(t *testing.T) {
	for _, s := range hostile {
		got := Comment(s, 100)
		if strings.Contains(got, "--") || strings.ContainsAny(got, "<>\n") {
			t.Errorf("Comment(%q) = %q: can close or open a comment", s, got)
		}
	}
}

func FuzzText(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s, 300)
		if strings.ContainsAny(got, "\r\n\x00") || !utf8.ValidString(got) {
			t.Fatalf("Text(%q) = %q", s, got)
		}
		assertEscaped(t, "Text", s, got)
		c := Code(s, 300)
		if strings.ContainsAny(c, "\r\n") {
			t.Fatalf("Code(%q) = %q", s, c)
		}
		if _, ok := codeSpan(c); !ok {
			t.Fatalf("Code(%q) = %q: not one code span", s, c)
		}
		if m := Comment(s, 300); strings.Contains(m, "--") || strings.ContainsAny(m, "<>\n") {
			t.Fatalf("Comment(%q) = %q", s, m)
		}
		if u, ok := URL(s); ok && strings.ContainsAny(u, "()<>\"' `\\\n\r") {
			t.Fatalf("URL(%q) = %q", s, u)
		}
	})
}
