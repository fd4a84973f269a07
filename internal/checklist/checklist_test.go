package checklist_test

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/checklist"
)

// seedGroup is a group of the seed checklist: section, group, item titles.
type seedGroup struct {
	Section, Group string
	Items          []string
}

// parseSeed reads the seed Markdown itself, so the test does not trust the
// YAML that was made from it.
func parseSeed(t *testing.T) []seedGroup {
	t.Helper()
	f, err := os.Open("../../testdata/seed/production-readiness-checklist.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	item := regexp.MustCompile(`^\s*- \[ \] (.*)$`)
	var out []seedGroup
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			section = strings.TrimSpace(line[3:])
		case strings.HasPrefix(line, "### "):
			out = append(out, seedGroup{Section: section, Group: strings.TrimSpace(line[4:])})
		default:
			if m := item.FindStringSubmatch(line); m != nil {
				out[len(out)-1].Items = append(out[len(out)-1].Items, m[1])
			}
		}
	}
	return out
}

func TestDefaultHoldsEverySeedItem(t *testing.T) {
	seed := parseSeed(t)
	n := 0
	for _, g := range seed {
		n += len(g.Items)
	}
	if n != 162 {
		t.Fatalf("seed has %d items, want 162", n)
	}
	cfg, err := checklist.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	var got []seedGroup
	for _, e := range cfg.Flatten() {
		if len(got) == 0 || got[len(got)-1].Group != e.Group.Title || got[len(got)-1].Section != e.Section.Title {
			got = append(got, seedGroup{Section: e.Section.Title, Group: e.Group.Title})
		}
		got[len(got)-1].Items = append(got[len(got)-1].Items, e.Item.Title)
	}
	if diff := cmp.Diff(seed, got); diff != "" {
		t.Errorf("default checklist differs from the seed (-seed +default):\n%s", diff)
	}
}

func TestDefaultSignoffsAndWindows(t *testing.T) {
	// With the variables the built-in probes name set (without them they
	// are manual: TestDefaultProbesNothingUnset).
	def, _ := checklist.Default()
	vars, err := checklist.Parse("repo.yml", []byte("version: 1\nvars: {base_url: \"https://shop.example.com\", host: shop.example.com}\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := checklist.Resolve(def, vars)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, r := range cfg.Roles {
		titles = append(titles, r.Title)
	}
	want := []string{"Technical Lead", "Security Review", "Business Owner", "Operations Manager", "Final Approval"}
	if diff := cmp.Diff(want, titles); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
	final, _ := cfg.Role("final")
	if diff := cmp.Diff([]string{"tech-lead", "security", "business", "ops"}, final.After); diff != "" {
		t.Errorf("final approval comes after (-want +got):\n%s", diff)
	}
	phases := map[checklist.Phase]int{}
	sources := map[checklist.Source]int{}
	for _, e := range cfg.Flatten() {
		phases[e.Phase]++
		sources[e.Item.Source()]++
	}
	if phases[checklist.Phase24h] != 5 || phases[checklist.Phase7d] != 5 || phases[checklist.Phase30d] != 5 {
		t.Errorf("post-go-live windows: got %v, want 5 items in each of 24h, 7d, 30d", phases)
	}
	for _, s := range []checklist.Source{checklist.SourceCheck, checklist.SourceDeployment, checklist.SourceProbe, checklist.SourceApproval} {
		if sources[s] == 0 {
			t.Errorf("no item of the default ticks from %s evidence", s)
		}
	}
	if sources[checklist.SourceApproval] != 5 {
		t.Errorf("got %d approval items, want 5 (one per sign-off)", sources[checklist.SourceApproval])
	}
	for id, want := range map[string]checklist.Source{
		"unit-tests-comprehensive-and-passing":   checklist.SourceCheck,
		"staging-environment-matches-production": checklist.SourceDeployment,
		"ssl-certificates-valid-and-installed":   checklist.SourceProbe,
		"security-team-approval":                 checklist.SourceApproval,
		"application-response-times-within-sla":  checklist.SourceProbe,
	} {
		e, ok := cfg.Item(id)
		if !ok {
			t.Errorf("no item %q", id)
			continue
		}
		if got := e.Item.Source(); got != want {
			t.Errorf("item %q: got source %s, want %s", id, got, want)
		}
	}
}

func TestMatcher(t *testing.T) {
	cfg, err := checklist.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		head, base, title string
		labels            []string
		want              bool
	}{
		{"release/1.2", "main", "Release 1.2", nil, true},
		{"release-2026-11", "main", "x", nil, true},
		{"feature/x", "main", "x", []string{"Release"}, true},
		{"feature/x", "main", "Release 1.2", nil, false},
		{"release", "main", "", nil, false},
	} {
		if got := cfg.Release.Matches(tc.head, tc.base, tc.title, tc.labels); got != tc.want {
			t.Errorf("Matches(%q, %q, %q, %v): got %v, want %v", tc.head, tc.base, tc.title, tc.labels, got, tc.want)
		}
	}
	m := checklist.Matcher{Title: `^Release v\d+`, BaseBranches: []string{"main"}}
	if !m.Matches("x", "main", "Release v3", nil) || m.Matches("x", "dev", "Release v3", nil) {
		t.Error("title matcher with base branch: wrong answer")
	}
}
