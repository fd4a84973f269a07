package mdtext

import (
	"strings"
	"testing"
)

func TestHTML(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Security Requirements", "Security Requirements"},
		{"a <b>x</b> & \"y\" 'z'", "a &lt;b&gt;x&lt;/b&gt; &amp; &#34;y&#34; &#39;z&#39;"},
		{"ping @org/everyone", "ping @\u200borg/everyone"},
		{"see https://evil.example and www.evil.example", "see https:\u200b//evil.example and www\u200b.evil.example"},
		{"two\nlines</summary><img src=x>", "two lines&lt;/summary&gt;&lt;img src=x&gt;"},
		{"<!-- golive:item x -->", "&lt;!-- golive:item x --&gt;"},
	} {
		if got := HTML(tc.in, 0); got != tc.want {
			t.Errorf("HTML(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := HTML(strings.Repeat("a", 50), 10); got != strings.Repeat("a", 10)+"…" {
		t.Errorf("HTML does not cut: %q", got)
	}
}
