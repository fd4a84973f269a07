package command

import (
	"strings"
	"testing"
)

// BenchmarkParse reads a typical review comment: prose, a quote of an
// earlier command, a code block and two commands.
func BenchmarkParse(b *testing.B) {
	body := strings.Join([]string{
		"Looks good to me, the dashboards are in place.",
		"",
		"> /approve security",
		"",
		"```sh",
		"/approve ops",
		"```",
		"<!-- /hold not yet -->",
		"/approve tech-lead",
		"/waive cross-browser-compatibility-verified 7d API only release",
		"",
		"Thanks!",
	}, "\r\n")
	b.ReportAllocs()
	for b.Loop() {
		if cmds, _ := Parse(body); len(cmds) != 2 {
			b.Fatalf("got %d commands, want 2", len(cmds))
		}
	}
}

// BenchmarkParseLong reads a comment of 2,000 prose lines and no command.
func BenchmarkParseLong(b *testing.B) {
	body := strings.Repeat("Some prose about the release, nothing to run here.\n", 2000)
	b.ReportAllocs()
	for b.Loop() {
		if cmds, _ := Parse(body); len(cmds) != 0 {
			b.Fatalf("got %d commands, want 0", len(cmds))
		}
	}
}
