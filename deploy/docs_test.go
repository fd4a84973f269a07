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

	"go.yaml.in/yaml/v3"

	"github.com/ag06mixer/golive/internal/cli"
)

var yamlUnmarshal = yaml.Unmarshal

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
	perRelease, dedupe := 30.0, 80.0 // KiB per release, MiB per delivery/s
	if !strings.Contains(string(b), "releases kept × 30 KiB + deliveries per second × 80 MiB") {
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

// TestRetrospectiveTemplate: the release retrospective template is a valid
// issue template, and every section and check docs/runbook.md promises in
// it is there, naming documents and headings that exist.
func TestRetrospectiveTemplate(t *testing.T) {
	b, err := os.ReadFile("../.github/ISSUE_TEMPLATE/release-retrospective.md")
	if err != nil {
		t.Fatal(err)
	}
	front, body, ok := strings.Cut(strings.TrimPrefix(string(b), "---\n"), "\n---\n")
	if !ok || !strings.HasPrefix(string(b), "---\n") {
		t.Fatal("the template has no front matter")
	}
	var fm struct {
		Name, About, Title string
	}
	if err := yamlUnmarshal([]byte(front), &fm); err != nil || fm.Name == "" || fm.About == "" {
		t.Fatalf("front matter %q: name and about are required (%v)", front, err)
	}
	for _, h := range []string{"## Post-go-live windows", "## Break-glass bypasses", "## Business continuity plan review", "## Actions"} {
		if !strings.Contains(body, "\n"+h+"\n") {
			t.Errorf("the template has no %q section", h)
		}
	}
	_, bcp, _ := strings.Cut(body, "## Business continuity plan review\n")
	bcp, _, _ = strings.Cut(bcp, "\n## ")
	checks := regexp.MustCompile(`(?m)^- \[ \] .*$`).FindAllString(bcp, -1)
	if len(checks) < 3 {
		t.Fatalf("the continuity review has %d checks", len(checks))
	}
	refs := map[string]string{"docs/slo.md": "rto-and-rpo", "docs/runbook.md": "escalation", "docs/capacity.md": "projections", "docs/operations.md": "break-glass"}
	for doc, anchor := range refs {
		if !strings.Contains(body, doc) {
			t.Errorf("the template does not point at %s", doc)
		}
		if !githubAnchors(t, "../"+doc)[anchor] {
			t.Errorf("%s has no %q heading the template relies on", doc, anchor)
		}
	}
}
