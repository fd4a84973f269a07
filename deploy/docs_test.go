package deploy_test

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/cli"
)

// TestRunbookTrue: docs/runbook.md, docs/faq.md and docs/capacity.md name
// only commands and settings golive has, their links resolve to a file
// and heading that exist, and every alert severity the rules use has a row
// in the runbook's escalation table.
func TestRunbookTrue(t *testing.T) {
	var help bytes.Buffer
	cli.Run(context.Background(), []string{"help"}, func(string) string { return "" }, nil, &help, &help)
	cmds := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  ([a-z]+) `).FindAllStringSubmatch(help.String(), -1) {
		cmds[m[1]] = true
	}
	if !cmds["serve"] {
		t.Fatalf("could not read golive's commands from its help:\n%s", help.String())
	}
	settings := cli.SettingsEnv()
	cmdRE := regexp.MustCompile("`golive ([a-z]+)")
	setRE := regexp.MustCompile(`GOLIVE_[A-Z_]+`)
	linkRE := regexp.MustCompile(`\]\(([^)#\s]*)(?:#([^)\s]+))?\)`)
	for _, doc := range []string{"runbook.md", "faq.md", "capacity.md"} {
		path := filepath.Join("..", "docs", doc)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, m := range cmdRE.FindAllStringSubmatch(text, -1) {
			if !cmds[m[1]] {
				t.Errorf("%s names `golive %s`, which is no command", doc, m[1])
			}
		}
		for _, s := range setRE.FindAllString(text, -1) {
			if !slices.Contains(settings, s) {
				t.Errorf("%s names %s, which golive does not read", doc, s)
			}
		}
		links := linkRE.FindAllStringSubmatch(text, -1)
		if len(links) == 0 {
			t.Errorf("%s links nowhere", doc)
		}
		for _, m := range links {
			target := path
			if m[1] != "" {
				target = filepath.Join(filepath.Dir(path), m[1])
			}
			if _, err := os.Stat(target); err != nil {
				t.Errorf("%s links to %s, which does not exist", doc, m[1])
				continue
			}
			if m[2] != "" && !githubAnchors(t, target)[m[2]] {
				t.Errorf("%s links to %s#%s, which is no heading there", doc, m[1], m[2])
			}
		}
	}
	rb, _ := os.ReadFile("../docs/runbook.md")
	sev := regexp.MustCompile(`severity: (\w+)`)
	seen := 0
	for _, f := range ruleFiles(t) {
		b, _ := os.ReadFile(f)
		for _, m := range sev.FindAllStringSubmatch(string(b), -1) {
			seen++
			if !strings.Contains(string(rb), "\n| "+m[1]+" | ") {
				t.Errorf("%s uses severity %s, which docs/runbook.md's escalation table does not route", f, m[1])
			}
		}
	}
	if seen == 0 {
		t.Error("the rules name no severity")
	}
}

// TestCapacityFigures: every figure docs/capacity.md quotes is stated in
// docs/benchmarks.md, and its projection table follows its formula.
func TestCapacityFigures(t *testing.T) {
	b, err := os.ReadFile("../docs/capacity.md")
	if err != nil {
		t.Fatal(err)
	}
	bench, err := os.ReadFile("../docs/benchmarks.md")
	if err != nil {
		t.Fatal(err)
	}
	section := func(name string) []string {
		_, after, _ := strings.Cut(string(b), "## "+name+"\n")
		before, _, _ := strings.Cut(after, "\n## ")
		var rows []string
		for _, l := range strings.Split(before, "\n") {
			if strings.HasPrefix(l, "| ") && !strings.HasPrefix(l, "|---") {
				rows = append(rows, l)
			}
		}
		if len(rows) < 2 {
			t.Fatalf("docs/capacity.md %q has no table", name)
		}
		return rows[1:] // without the header
	}
	for _, row := range section("Measured figures") {
		cells := strings.Split(row, " | ")
		quote := strings.TrimSuffix(cells[len(cells)-1], " |")
		if !strings.Contains(string(bench), quote) {
			t.Errorf("docs/capacity.md quotes %q, which docs/benchmarks.md does not say", quote)
		}
	}
	perRelease, dedupe := 39.0, 80.0 // KiB per release, MiB per delivery/s
	if !strings.Contains(string(b), "releases kept × 39 KiB + deliveries per second × 80 MiB") {
		t.Fatal("docs/capacity.md's formula changed: change the test's figures with it")
	}
	rows := section("Projections")
	for _, row := range rows {
		cells := strings.Split(strings.Trim(row, "| "), " | ")
		releases, _ := strconv.ParseFloat(cells[1], 64)
		rate, _ := strconv.ParseFloat(cells[2], 64)
		want := math.Round(releases*perRelease/1024 + rate*dedupe)
		if got, _ := strconv.ParseFloat(cells[3], 64); got != want {
			t.Errorf("docs/capacity.md %q: Redis %v MiB, the formula gives %v", cells[0], got, want)
		}
	}
	var hpa struct {
		Spec struct {
			MaxReplicas int `yaml:"maxReplicas"`
		} `yaml:"spec"`
	}
	readYAML(t, "base/hpa.yaml", &hpa)
	if last := strings.Split(strings.Trim(rows[len(rows)-1], "| "), " | "); last[4] != strconv.Itoa(hpa.Spec.MaxReplicas) {
		t.Errorf("docs/capacity.md's ceiling row has %s replicas, the HPA's maximum is %d", last[4], hpa.Spec.MaxReplicas)
	}
}
