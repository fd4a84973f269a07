package app

import (
	"bytes"
	"strings"
	"testing"
)

// TestLogRepoField: a line with a release field gets its repo too, from
// the line or the logger's own fields, once; text and JSON alike.
func TestLogRepoField(t *testing.T) {
	for _, format := range []string{"json", "text"} {
		var b bytes.Buffer
		log := NewLogger(&b, "info", format)
		log.Info("a", "release", "acme/shop#42")
		log.With("release", "acme/web#7").Warn("b")
		log.Info("c", "release", "acme/shop#42", "repo", "acme/shop")
		log.Info("d", "release", "not a key")
		lines := strings.Split(strings.TrimSpace(b.String()), "\n")
		want := []string{"acme/shop", "acme/web", "acme/shop", ""}
		for i, line := range lines {
			n := strings.Count(line, "repo")
			switch {
			case want[i] == "" && n != 0:
				t.Errorf("%s: a line whose release is no key got a repo: %s", format, line)
			case want[i] != "" && (n != 1 || !strings.Contains(line, want[i])):
				t.Errorf("%s: want one repo %s: %s", format, want[i], line)
			}
		}
	}
}
