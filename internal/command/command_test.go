package command

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// got renders what Parse read compactly: "approve[security]@1", "?/aprove→/approve@2".
func got(body string) string {
	cmds, unknown := Parse(body)
	var out []string
	for _, c := range cmds {
		out = append(out, fmt.Sprintf("%s%v@%d", c.Name, c.Args, c.Line))
	}
	for _, u := range unknown {
		s := fmt.Sprintf("?%s→%s@%d", u.Word, u.Suggestion, u.Line)
		if u.LookAlike {
			s += "!"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestParse(t *testing.T) {
	long := strings.Repeat("x", 5000)
	cases := []struct{ name, body, want string }{
		{"approve", "/approve security", "approve[security]@1"},
		{"mixed case", "/APPROVE Security", "approve[Security]@1"},
		{"title case", "/Approve tech-lead", "approve[tech-lead]@1"},
		{"leading spaces", "   /approve ops", "approve[ops]@1"},
		{"indented code", "    /approve ops", ""},
		{"tab is code", "\t/approve ops", ""},
		{"revoke", "/revoke final", "revoke[final]@1"},
		{"check", "/check aws-account", "check[aws-account]@1"},
		{"uncheck", "/uncheck aws-account", "uncheck[aws-account]@1"},
		{"waive with duration", "/waive load-tests 7d vendor outage", "waive[load-tests 7d vendor outage]@1"},
		{"unwaive", "/unwaive load-tests", "unwaive[load-tests]@1"},
		{"hold", "/hold waiting for legal", "hold[waiting for legal]@1"},
		{"unhold", "/unhold", "unhold[]@1"},
		{"refresh", "/golive refresh", "golive refresh[]@1"},
		{"help", "/golive help", "golive help[]@1"},
		{"bare golive is help", "/golive", "golive help[]@1"},
		{"golive mixed case", "/GoLive REFRESH", "golive refresh[]@1"},
		{"several", "LGTM\n/approve security\n/check docs-ready\nthanks", "approve[security]@2 check[docs-ready]@3"},
		{"trailing text", "/approve security looks good to me", "approve[security looks good to me]@1"},
		{"mid-line is prose", "please /approve security", ""},
		{"fenced code", "```\n/approve security\n```", ""},
		{"fenced code with info", "```sh\n/approve security\n```\n/approve ops", "approve[ops]@4"},
		{"tilde fence", "~~~\n/hold x\n~~~", ""},
		{"unclosed fence hides the rest", "```\n/approve security", ""},
		{"longer closing fence only closes its kind", "````\n```\n/approve security\n````\n/unhold", "unhold[]@5"},
		{"block quote", "> /approve security", ""},
		{"nested quote", "> > /approve security", ""},
		{"quoted reply", "On Mon, Nov 23, Sam wrote:\n> /approve security\n\nme too", ""},
		{"html comment", "<!-- /approve security -->", ""},
		{"multi-line html comment", "<!--\n/approve security\n-->\n/unhold", "unhold[]@4"},
		{"unclosed html comment hides the rest", "<!--\n/approve security", ""},
		{"inline code", "`/approve security`", ""},
		{"typo", "/aprove security", "?/aprove→/approve@1"},
		{"typo of golive subcommand", "/golive refersh", "?/golive refersh→/golive refresh@1"},
		{"unknown golive subcommand", "/golive dance", "?/golive dance→@1"},
		{"unrelated slash word", "/shrug", ""},
		{"a path", "/usr/local/bin is full", ""},
		{"a url path", "/docs/readme.md", ""},
		{"cyrillic a", "/аpprove security", "?/аpprove→/approve@1!"},
		{"fullwidth solidus", "／approve security", "?／approve→/approve@1!"},
		{"greek omicron", "/h\u03bfld reason", "?/h\u03bfld→/hold@1!"},
		{"crlf", "/approve security\r\n/unhold\r\n", "approve[security]@1 unhold[]@2"},
		{"slash alone", "/", ""},
		{"very long line", "/hold " + long, "hold[" + long[:MaxLine-6] + "]@1"},
		{"emoji name", "/👍", ""},
		{"empty", "", ""},
	}
	if len(cases) < 40 {
		t.Fatalf("%d cases; the table keeps at least 40", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, got(c.body)); diff != "" {
				t.Errorf("Parse(%.60q) (-want +got):\n%s", c.body, diff)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	body := strings.Repeat("/unhold\n", MaxCommands+50)
	cmds, _ := Parse(body)
	if len(cmds) != MaxCommands {
		t.Errorf("read %d commands, want the cap %d", len(cmds), MaxCommands)
	}
	huge := strings.Repeat("a", MaxBody) + "\n/approve security"
	if cmds, _ := Parse(huge); len(cmds) != 0 {
		t.Error("read a command past GitHub's comment limit")
	}
}

func TestCommandArgs(t *testing.T) {
	cmds, _ := Parse("/waive Load-Tests 7d  the vendor is down ")
	c := cmds[0]
	if c.Arg(0) != "load-tests" || c.Arg(1) != "7d" || c.Arg(9) != "" {
		t.Errorf("args = %q", c.Args)
	}
	if c.Rest != "Load-Tests 7d  the vendor is down" {
		t.Errorf("rest = %q", c.Rest)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("/approve security\n```\n/hold x\n```\n> /unhold\n<!-- /check y -->")
	f.Add("/golive refresh\n/аpprove x\n    /waive a 7d b")
	f.Add("<details>\n\n/approve x\n</details>\n\n/chec\u212a y\n<pre>\n/hold z\n</pre>\n/ｈold w\n<div>\n/unhold")
	f.Fuzz(func(t *testing.T, body string) {
		cmds, unknown := Parse(body)
		if len(cmds) > MaxCommands {
			t.Fatalf("%d commands", len(cmds))
		}
		raw := strings.Split(body, "\n")
		lines := len(raw)
		for _, c := range cmds {
			if c.Line < 1 || c.Line > lines {
				t.Fatalf("line %d of %d", c.Line, lines)
			}
			if _, ok := Usage[c.Name]; !ok {
				t.Fatalf("unknown name %q", c.Name)
			}
			// A command is only ever read from ASCII: its name is on its
			// line as typed, in ASCII letters of either case.
			word, _, _ := strings.Cut(string(c.Name), " ")
			if !strings.Contains(asciiLower(raw[c.Line-1]), "/"+word) {
				t.Fatalf("%s read from line %q", c.Name, raw[c.Line-1])
			}
		}
		for _, u := range unknown {
			if u.Suggestion != "" && !strings.HasPrefix(u.Suggestion, "/") {
				t.Fatalf("suggestion %q", u.Suggestion)
			}
		}
	})
}

// asciiLower lowers ASCII letters only (strings.ToLower would turn a
// Kelvin sign into "k").
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
