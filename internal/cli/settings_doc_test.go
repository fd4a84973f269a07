package cli

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestEverySettingDocumented: every GOLIVE_* setting serve reads has its
// row in docs/operations.md, with its flag when it has one, and the docs
// name no setting golive does not read.
func TestEverySettingDocumented(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	known := map[string]bool{}
	for _, s := range settingSpecs() {
		known[s.env] = true
		var row string
		for line := range strings.SplitSeq(doc, "\n") {
			if strings.HasPrefix(line, "|") && strings.Contains(line, "`"+s.env+"`") {
				row = line
				break
			}
		}
		if row == "" {
			t.Errorf("%s has no row in docs/operations.md", s.env)
			continue
		}
		if !s.noFlag && !strings.Contains(row, "`--"+s.key()+"`") {
			t.Errorf("%s's row does not name its flag --%s: %s", s.env, s.key(), row)
		}
	}
	// Read outside the settings table: by the probe runner, from the
	// environment it is given.
	known["GOLIVE_PROBE_CA_DIR"] = true
	for _, f := range regexp.MustCompile(`GOLIVE_[A-Z0-9_]*[A-Z0-9]`).FindAllString(doc, -1) {
		if f != "GOLIVE_SECRET" && !strings.HasPrefix(f, "GOLIVE_SECRET_") && !strings.HasPrefix(f, "GOLIVE_TEST_") && !known[f] {
			t.Errorf("docs/operations.md names %s, which golive does not read", f)
		}
	}
}
