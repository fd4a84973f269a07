package deploy_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadinessScore: docs/production-readiness.md's score is the count of
// its table, the table has every seed item once, and the evidence it names
// exists: every test (`pkg.TestName`), alert and file.
func TestReadinessScore(t *testing.T) {
	b, err := os.ReadFile("../docs/production-readiness.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	items, applies, evidenced := 0, 0, 0
	var evidence []string
	for _, line := range strings.Split(doc, "\n") {
		cells := strings.Split(line, " | ")
		if len(cells) != 4 || !strings.Contains(cells[0], " / ") || cells[2] == "applies?" {
			continue
		}
		switch cells[2] {
		case "applies":
			applies++
			if strings.HasPrefix(cells[3], "✅") {
				evidenced++
				evidence = append(evidence, cells[3])
			} else if !strings.HasPrefix(cells[3], "❌") {
				t.Errorf("%s: evidence neither ✅ nor ❌: %s", cells[1], cells[3])
			}
		case "does not apply":
		default:
			t.Errorf("%s: %q is neither applies nor does not apply", cells[1], cells[2])
		}
		items++
	}
	seed, err := os.ReadFile("../testdata/seed/production-readiness-checklist.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := len(regexp.MustCompile(`(?m)^\s*- \[ \] `).FindAll(seed, -1)); items != want {
		t.Errorf("the table has %d items, the seed checklist %d", items, want)
	}
	row := fmt.Sprintf("| %d | %d | %d | %d | **%.1f %%** |", items, applies, items-applies, evidenced, 100*float64(evidenced)/float64(applies))
	if !strings.Contains(doc, "\n"+row+"\n") {
		t.Errorf("the Score table is not the count of the items: want %s", row)
	}

	// Every named test exists in its package; every alert in the rules.
	dirs := map[string]string{"cli": "../internal/cli", "e2e": "../internal/e2e", "config": "../config", "deploy": ".", "release": "../internal/release",
		"render": "../internal/render", "server": "../internal/server", "mdtext": "../internal/mdtext", "tracker": "../internal/tracker"}
	tests := regexp.MustCompile("`(?:([a-z]+)\\.)?((?:Test|Fuzz)[A-Za-z0-9]+)`")
	all := strings.Join(evidence, "\n")
	found := 0
	for _, m := range tests.FindAllStringSubmatch(all, -1) {
		found++
		pattern := filepath.Join("..", "internal", "*", "*_test.go")
		if m[1] != "" {
			dir, ok := dirs[m[1]]
			if !ok {
				t.Errorf("evidence names %s.%s, a package this test does not know", m[1], m[2])
				continue
			}
			pattern = filepath.Join(dir, "*_test.go")
		}
		if !defined(t, pattern, "func "+m[2]+"(") {
			t.Errorf("evidence names %s, which no test file defines", m[0])
		}
	}
	var rules strings.Builder
	for _, f := range ruleFiles(t) {
		r, _ := os.ReadFile(f)
		rules.Write(r)
	}
	for _, m := range regexp.MustCompile("`(Golive[A-Za-z]+)(\\*?)`").FindAllStringSubmatch(all, -1) {
		found++
		if m[2] == "" && !strings.Contains(rules.String(), "alert: "+m[1]+"\n") ||
			m[2] == "*" && !strings.Contains(rules.String(), "alert: "+m[1]) {
			t.Errorf("evidence names alert %s, which deploy/prometheus does not define", m[1]+m[2])
		}
	}
	for _, m := range regexp.MustCompile("`((?:deploy|docs|internal|\\.github|config)/[A-Za-z0-9_./-]+)`").FindAllStringSubmatch(all, -1) {
		found++
		if _, err := os.Stat(filepath.Join("..", m[1])); err != nil {
			t.Errorf("evidence names %s, which does not exist", m[1])
		}
	}
	if found < 50 {
		t.Errorf("only %d tests, alerts and files found in the evidence: the parser lost them", found)
	}
}

func defined(t *testing.T, pattern, decl string) bool {
	t.Helper()
	files, _ := filepath.Glob(pattern)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err == nil && strings.Contains(string(b), decl) {
			return true
		}
	}
	return false
}
