package command

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseHTMLHides: GitHub shows <details> folded, <pre> as a block of
// text and an HTML block raw; a command in any of them is never read.
func TestParseHTMLHides(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"details summary", "<details><summary>/approve security</summary>\n/approve security\n</details>", ""},
		{"details after a blank line", "<details><summary>logs</summary>\n\n/approve security\n\n</details>\n\n/unhold", "unhold[]@7"},
		{"summary alone", "<summary>\n/approve security\n\n/hold x\n</summary>\n\n/unhold", "unhold[]@7"},
		{"details upper case", "<DETAILS>\n\n/approve security\n\n</DETAILS>\n\n/unhold", "unhold[]@7"},
		{"nested details", "<details>\n<details>\n</details>\n\n/approve security\n</details>\n\n/unhold", "unhold[]@8"},
		{"pre across blank lines", "<pre>\n/approve security\n\n/hold x\n</pre>\n\n/unhold", "unhold[]@7"},
		{"pre with attributes", "<pre class=\"log\">\n/approve security\n</pre>", ""},
		{"textarea", "<textarea>\n\n/approve security\n</textarea>", ""},
		{"div block", "<div>\n/approve security\n</div>", ""},
		{"html block ends at a blank line", "<div>\n/approve security\n\n/unhold", "unhold[]@4"},
		{"table block", "<table><tr><td>\n/approve security\n</td></tr></table>", ""},
		{"closing tag starts a block", "</div>\n/approve security", ""},
		// An HTML block runs to a blank line, so a command right after a
		// closing tag is raw HTML text: not read (conservative).
		{"command right after a closing details", "<details>\n\n</details>\n/unhold", ""},
		{"stray closing details", "</details>\n\n/unhold", "unhold[]@3"},
		{"declaration", "<!DOCTYPE html>\n/approve security", ""},
		{"processing instruction", "<?php\n/approve security\n?>", ""},
		{"tag after a command on its line", "/approve security <details>\n/hold x", ""},
		{"indented tag opens a block", "   <div>\n/approve security", ""},
		{"autolink is not html", "<https://example.com/docs>\n/unhold", "unhold[]@2"},
		{"less-than prose", "< 5 minutes left\n/unhold", "unhold[]@2"},
		{"tag in a code span", "fold logs with `<details>`\n/unhold", "unhold[]@2"},
		{"tag in a fence", "```\n<details>\n```\n/unhold", "unhold[]@4"},
		{"fence in details hides a close tag", "<details>\n\n```\n</details>\n```\n/approve security", ""},
		{"tag in a quote", "> <details>\n\n/unhold", "unhold[]@3"},
		{"detailsx is a block, not details", "<detailsx>\n/approve security\n\n/unhold", "unhold[]@4"},
		{"unmatched backtick is literal", "`<pre>\n/approve security", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, got(c.body)); diff != "" {
				t.Errorf("Parse(%.60q) (-want +got):\n%s", c.body, diff)
			}
		})
	}
}

// TestParseLookAlikesNeverRun: a command word that only looks like ASCII
// (NFKC compatibility forms, Cyrillic and Greek letters) is folded and
// comes back as a look-alike Unknown with the command it resembles.
func TestParseLookAlikesNeverRun(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"kelvin sign", "/chec\u212a ssl", "?/chec\u212a→/check@1!"},
		{"kelvin sign in revoke", "/revo\u212ae security", "?/revo\u212ae→/revoke@1!"},
		{"long s", "/golive refre\u017fh", "?/golive refre\u017fh→/golive refresh@1!"},
		{"fullwidth letters", "/ＡＰＰＲＯＶＥ security", "?/ＡＰＰＲＯＶＥ→/approve@1!"},
		{"fullwidth h", "/ｈold now", "?/ｈold→/hold@1!"},
		{"mathematical bold", "/\U0001d41approve security", "?/\U0001d41approve→/approve@1!"},
		{"cyrillic e", "/waiv\u0435 x 1d y", "?/waiv\u0435→/waive@1!"},
		{"capital cyrillic", "/\u0410pprove security", "?/\u0410pprove→/approve@1!"},
		{"fullwidth golive", "/ｇolive help", "?/ｇolive help→/golive help@1!"},
		{"fullwidth help", "/golive ｈelp", "?/golive ｈelp→/golive help@1!"},
		{"ligature", "/unho\ufb02d", "?/unho\ufb02d→/unhold@1!"}, // "ﬂ" folds to "fl"
		{"combining accent", "/approve\u0301 security", "?/approve\u0301→/approve@1!"},
		{"ascii still works", "/CHECK ssl", "check[ssl]@1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, got(c.body)); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", c.body, diff)
			}
		})
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Approve": "approve", "chec\u212a": "check", "\u017fecurity": "security", "ＯＰＳ": "ops",
		"t\u0435ch-lead": "tech-lead", "ﬁnal": "final", "①": "1",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestParseCapCountsUnknown: lines that look like commands but are not
// count against MaxCommands too, so a comment of typos is bounded.
func TestParseCapCountsUnknown(t *testing.T) {
	cmds, unknown := Parse(strings.Repeat("/aprove x\n", 5000))
	if len(cmds)+len(unknown) != MaxCommands {
		t.Errorf("read %d commands and %d unknown, want %d in all", len(cmds), len(unknown), MaxCommands)
	}
}
