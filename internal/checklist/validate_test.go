package checklist_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/checklist"
)

// resolve parses src as a repo layer over the built-in default.
func resolve(t *testing.T, src string) (*checklist.Config, error) {
	t.Helper()
	def, err := checklist.Default()
	if err != nil {
		t.Fatal(err)
	}
	f, err := checklist.Parse("golive.yml", []byte(src))
	if err != nil {
		return nil, err
	}
	return checklist.Resolve(def, f)
}

func TestBrokenConfigs(t *testing.T) {
	const item = "sections:\n  - id: s\n    title: S\n    groups:\n      - id: g\n        title: G\n        items:\n"
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"yaml syntax", "version: 1\nroles: [\n", []string{`golive.yml:2:1: did not find expected node content`}},
		{"not a mapping", "- 1\n", []string{`golive.yml:1:1: top level must be a mapping of keys such as version, roles, sections`}},
		{"empty", "", []string{`golive.yml:1:1: file is empty; want at least "version: 1"`}},
		{"unknown top key", "version: 1\nsection: []\n", []string{`golive.yml:2:1: unknown key "section"; did you mean "sections"?`}},
		{"unknown nested key", "version: 1\nroles:\n  - id: a\n    title: A\n    colour: red\n", []string{`golive.yml:5:5: unknown key "colour"`}},
		{"wrong version", "version: 2\n", []string{`golive.yml:1:10: version must be 1 (got 2)`}},
		{"wrong type", "version: 1\nrules:\n  author_may_sign: sometimes\n", []string{`golive.yml:3:20: "rules.author_may_sign" must be true or false`}},
		{"duplicate key", "version: 1\nversion: 1\n", []string{`golive.yml:2:1: key "version" appears twice`}},
		{"duplicate item id", "version: 1\n" + item + "          - {id: x, title: X}\n          - {id: x, title: Y}\n", []string{`golive.yml:10:18: duplicate item id "x" (first at golive.yml:9:18)`}},
		{"duplicate of inherited item", "version: 1\n" + item + "          - {id: unit-tests-comprehensive-and-passing, title: X}\n", []string{`golive.yml:9:18: item "unit-tests-comprehensive-and-passing" is already inherited; use override: to change it, or drop: it first`}},
		{"bad item id", "version: 1\n" + item + "          - {id: Bad Id, title: X}\n", []string{`golive.yml:9:18: item id "Bad Id" must be lower case letters, digits, '.', '_' or '-' (at most 64)`}},
		{"missing title", "version: 1\n" + item + "          - {id: x}\n", []string{`golive.yml:9:13: item "x" has no title`}},
		{"unknown role in approval", "version: 1\n" + item + "          - {id: x, title: X, evidence: {approval: {role: secruity}}}\n", []string{`golive.yml:9:59: item "x" needs unknown role "secruity"; did you mean "security"?`}},
		{"unknown role in tick_by", "version: 1\n" + item + "          - {id: x, title: X, tick_by: [auditors]}\n", []string{`golive.yml:9:41: unknown role "auditors"`}},
		{"unknown permission", "version: 1\ndefaults:\n  tick_by: [\"@owner\"]\n", []string{`golive.yml:3:13: unknown permission "@owner"; want @read, @triage, @write, @maintain or @admin`}},
		{"bad regex", "version: 1\nrelease:\n  title: \"(release\"\n", []string{"golive.yml:3:10: bad title regex \"(release\": error parsing regexp: missing closing ): `(release`"}},
		{"bad glob", "version: 1\nrelease:\n  head_branches: [\"release/[\"]\n", []string{`golive.yml:3:19: bad glob "release/[" in head_branches: syntax error in pattern`}},
		{"bad check glob", "version: 1\n" + item + "          - {id: x, title: X, evidence: {check: {name: \"[a\"}}}\n", []string{`golive.yml:9:56: item "x": bad check name glob "[a": syntax error in pattern`}},
		{"two sources", "version: 1\n" + item + "          - {id: x, title: X, evidence: {manual: {}, check: {name: a}}}\n", []string{`golive.yml:9:41: item "x": evidence must name exactly one of manual, check, deployment, probe, metric, approval (found 2)`}},
		{"bad probe url", "version: 1\n" + item + "          - {id: x, title: X, evidence: {probe: {http: {url: \"ftp://example.com\"}}}}\n", []string{`golive.yml:9:62: item "x": probe URL "ftp://example.com" must be http or https`}},
		{"probe url with credentials", "version: 1\n" + item + "          - {id: x, title: X, evidence: {probe: {http: {url: \"https://u:p@example.com\"}}}}\n", []string{`golive.yml:9:62: item "x": probe URL must not carry credentials; use headers with a secret reference`}},
		{"bad tcp address", "version: 1\n" + item + "          - {id: x, title: X, evidence: {probe: {tcp: {address: example.com}}}}\n", []string{`golive.yml:9:65: item "x": bad TCP address "example.com": want HOST:PORT`}},
		{"bad dns type", "version: 1\n" + item + "          - {id: x, title: X, evidence: {probe: {dns: {name: example.com, type: SRV}}}}\n", []string{`golive.yml:9:81: item "x": DNS record type "SRV" is not one of A, AAAA, CNAME, TXT, MX`}},
		{"bad duration", "version: 1\n" + item + "          - {id: x, title: X, evidence: {probe: {tcp: {address: \"a:1\"}, interval: soon}}}\n", []string{`golive.yml:9:83: "sections.0.groups.0.items.0.evidence.probe.interval": bad duration "soon"; want a form like 90s, 5m or 1h30m`}},
		{"window before merge", "version: 1\n" + item + "          - {id: x, title: X, evidence: {probe: {tcp: {address: \"a:1\"}, window: {min_success: 0.9}}}}\n", []string{`golive.yml:9:81: item "x": a window applies only to post-go-live items (phase 24h, 7d or 30d)`}},
		{"bad phase", "version: 1\n" + item + "          - {id: x, title: X, phase: 1y}\n", []string{`golive.yml:9:38: unknown phase "1y"; want one of pre-merge, 24h, 7d, 30d`}},
		{"drop unknown", "version: 1\ndrop: [no-such-item]\n", []string{`golive.yml:2:8: drop "no-such-item": no inherited item, group or section has that id`}},
		{"override unknown", "version: 1\noverride:\n  unit-test:\n    required: false\n", []string{`golive.yml:3:3: override "unit-test": no inherited item has that id`}},
		{"role cycle", "version: 1\nroles:\n  - {id: a, title: A, after: [b]}\n  - {id: b, title: B, after: [a]}\n", []string{`golive.yml:3:30: roles form a cycle in their order: a → b → a`}},
		{"unknown after", "version: 1\nroles:\n  - {id: a, title: A, after: [nobody]}\n", []string{`golive.yml:3:31: role "a" comes after unknown role "nobody"`}},
		{"bad team", "version: 1\nroles:\n  - {id: a, title: A, teams: [security]}\n", []string{`golive.yml:3:31: team "security" must be written ORG/TEAM-SLUG`}},
		{"bad permission", "version: 1\nroles:\n  - {id: a, title: A, permission: owner}\n", []string{`golive.yml:3:35: unknown permission "owner"; want one of read, triage, write, maintain, admin`}},
		{"alias", "version: 1\nroles:\n  - &r {id: a, title: A}\n  - *r\n", []string{`golive.yml:4:5: YAML aliases are not allowed in golive config`}},
		{"matcher matches nothing", "version: 1\nrelease: {base_branches: [main]}\n", []string{`golive.yml: release matcher matches nothing: set head_branches, labels or title`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := resolve(t, tc.src)
			if err == nil {
				t.Fatal("got no error, want one")
			}
			if !errors.Is(err, checklist.ErrInvalid) {
				t.Errorf("got %T, want an error matching ErrInvalid", err)
			}
			var ps checklist.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("got %v, want Problems", err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOversizedConfig(t *testing.T) {
	_, err := checklist.Parse("big.yml", []byte("version: 1\n"+strings.Repeat("# padding\n", checklist.MaxFileSize/10+1)))
	if err == nil || !strings.Contains(err.Error(), "over the 1048576-byte limit") {
		t.Fatalf("got %v, want the size limit", err)
	}
}

func TestLayers(t *testing.T) {
	def, err := checklist.Default()
	if err != nil {
		t.Fatal(err)
	}
	org, err := checklist.Parse("org/.github/golive.yml", []byte(`version: 1
roles:
  - id: security
    teams: [acme/appsec]
override:
  ssl-certificates-valid-and-installed:
    evidence: {probe: {tls: {host: "acme.example:443", min_days: 21}}}
`))
	if err != nil {
		t.Fatal(err)
	}
	repo, err := checklist.Parse(".github/golive.yml", []byte(`version: 1
release:
  labels: [ship-it]
drop: [waf-rules-defined-optional, post-go-live-monitoring]
override:
  unit-tests-comprehensive-and-passing:
    evidence: {check: {name: "go test*"}}
sections:
  - id: testing-and-quality-assurance
    groups:
      - id: functional-testing
        items:
          - {id: fuzzing, title: Parsers fuzzed, evidence: {check: {name: fuzz}}}
  - id: extra
    title: Extra
    groups:
      - id: extra-group
        title: Extra group
        items:
          - {id: changelog, title: Changelog written, required: false}
`))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := checklist.Resolve(def, org, repo)
	if err != nil {
		t.Fatal(err)
	}
	sec, _ := cfg.Role("security")
	if diff := cmp.Diff([]string{"acme/appsec"}, sec.Teams); diff != "" {
		t.Errorf("org layer teams (-want +got):\n%s", diff)
	}
	if sec.Title != "Security Review" || !sec.Invalidates() {
		t.Errorf("org layer lost inherited role fields: %+v", sec)
	}
	if e, _ := cfg.Item("ssl-certificates-valid-and-installed"); e.Item.Evidence.Probe.TLS.Host != "acme.example:443" {
		t.Errorf("org override: got %+v", e.Item.Evidence.Probe.TLS)
	}
	if e, _ := cfg.Item("unit-tests-comprehensive-and-passing"); e.Item.Evidence.Check.Name != "go test*" || e.Item.Title != "Unit tests comprehensive and passing" {
		t.Errorf("repo override: got %+v", e.Item)
	}
	if _, ok := cfg.Item("waf-rules-defined-optional"); ok {
		t.Error("dropped item is still there")
	}
	if _, ok := cfg.Item("all-health-checks-passing"); ok {
		t.Error("items of a dropped section are still there")
	}
	if e, ok := cfg.Item("fuzzing"); !ok || e.Group.ID != "functional-testing" {
		t.Errorf("added item: got %+v, %v", e, ok)
	}
	if _, ok := cfg.Item("changelog"); !ok {
		t.Error("item of a new section missing")
	}
	if !cfg.Release.Matches("x", "main", "", []string{"ship-it"}) || cfg.Release.Matches("release/1", "main", "", nil) {
		t.Errorf("repo matcher: got %+v", cfg.Release)
	}
	// The shared built-in layer is untouched by merging.
	again, err := checklist.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := again.Item("unit-tests-comprehensive-and-passing"); e.Item.Evidence.Check.Name != "*unit*" {
		t.Errorf("merging changed the built-in layer: %+v", e.Item.Evidence.Check)
	}
	if len(again.Flatten()) != 162 {
		t.Errorf("built-in has %d items after a merge, want 162", len(again.Flatten()))
	}
}

func TestInheritFalse(t *testing.T) {
	cfg, err := resolve(t, `version: 1
inherit: false
release: {labels: [release]}
sections:
  - id: s
    title: S
    groups:
      - id: g
        title: G
        items:
          - {id: only, title: The only item}
`)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cfg.Flatten()); n != 1 || len(cfg.Roles) != 0 {
		t.Errorf("got %d items and %d roles, want 1 and 0", n, len(cfg.Roles))
	}
}
